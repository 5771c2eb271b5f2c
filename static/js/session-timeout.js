// Warns before the session ends, and says so once it has.
//
// Only the server knows when the session ends (the earlier of the inactivity timeout and the
// absolute lifetime). It says so in the page (data-session-expires-in) and in X-Session-Expires-In
// on every response, so the countdown always starts from the server's word, never from a guess.
// Before saying "signed out", and whenever the tab comes back into view, the page asks the status
// URL, which is not activity: work in another tab, or signing in again elsewhere, is seen here.
// Nothing is ever written to browser storage or cookies.

const CHECK_GRACE = 1000; // the server rounds its seconds down, so it has ended within 1 s of the count

function formatRemaining(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function readCookie(name) {
  if (!name) return "";
  const prefix = `${name}=`;
  for (const part of document.cookie.split(";")) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return "";
}

export function initSessionTimeout(body) {
  const dialog = document.getElementById("timeout-dialog");
  if (!dialog || typeof dialog.showModal !== "function" || dialog.dataset.started) return;
  dialog.dataset.started = "true";

  const byId = (id) => document.getElementById(id);
  const warningPanel = byId("timeout-dialog-warning");
  const warningTitle = byId("timeout-dialog-title");
  const countdown = byId("timeout-dialog-countdown");
  const final = byId("timeout-dialog-final");
  const stay = byId("timeout-dialog-stay");
  const signedOutPanel = byId("timeout-dialog-signed-out");
  const signedOutTitle = byId("timeout-dialog-signed-out-title");
  const unsaved = byId("timeout-dialog-unsaved");
  const signIn = byId("timeout-dialog-sign-in");
  const warning = Number(body.dataset.sessionWarning || 0) * 1000;

  let deadline = null; // when the server last said the session ends, on this browser's clock
  let renewable = true; // whether activity can still move that end
  let signedOut = false;
  let dismissed = false; // closed with Escape: stays closed until the state changes
  let warningChecked = false;
  let endCheckedFor = null;
  let asking = null;

  function csrfToken() {
    // Read when sending: signing in again in another tab replaces the token.
    return (
      readCookie(dialog.dataset.csrfCookie) || dialog.querySelector("input[name=csrfmiddlewaretoken]").value
    );
  }

  function open(focus) {
    if (dialog.open || dismissed) return;
    dialog.showModal();
    focus.focus();
  }

  function showWarningPanel() {
    stay.hidden = !renewable;
    final.hidden = renewable;
    warningPanel.hidden = false;
    signedOutPanel.hidden = true;
    dialog.setAttribute("aria-labelledby", "timeout-dialog-title");
    dialog.setAttribute("aria-describedby", "timeout-dialog-text");
  }

  function update() {
    if (signedOut || deadline === null) return;
    const left = deadline - Date.now();
    if (left > warning) {
      dismissed = false;
      if (dialog.open) dialog.close();
      return;
    }
    countdown.textContent = formatRemaining(Math.max(0, Math.ceil(left / 1000)));
    stay.hidden = !renewable;
    final.hidden = renewable;
    open(renewable ? stay : warningTitle);
  }

  function learn(secondsLeft, canRenew) {
    const seconds = Number(secondsLeft);
    if (secondsLeft === null || secondsLeft === undefined || secondsLeft === "" || !Number.isFinite(seconds)) return;
    deadline = Date.now() + seconds * 1000;
    renewable = canRenew;
    if (seconds * 1000 > warning) warningChecked = false;
    if (signedOut) {
      // Signed in again, in another tab.
      signedOut = false;
      dismissed = false;
      if (dialog.open) dialog.close();
      showWarningPanel();
    }
    update();
  }

  function endSession({ show = true } = {}) {
    if (signedOut) return;
    signedOut = true;
    deadline = null;
    dismissed = false;
    stay.hidden = true;
    warningPanel.hidden = true;
    signedOutPanel.hidden = false;
    dialog.setAttribute("aria-labelledby", "timeout-dialog-signed-out-title");
    dialog.setAttribute("aria-describedby", "timeout-dialog-signed-out-text");
    // The path only: a query string can hold what someone searched for.
    signIn.href = `${body.dataset.loginUrl}?${new URLSearchParams({ next: window.location.pathname })}`;
    unsaved.hidden = !document.querySelector("form[data-autosave-form]");
    if (dialog.open) signedOutTitle.focus();
    else if (show) open(signedOutTitle);
  }

  function fromHeaders(header, { show = true } = {}) {
    if (header("X-Session-Expired") === "1") endSession({ show });
    else learn(header("X-Session-Expires-In"), header("X-Session-Renewable") !== "0");
  }

  // Ask the server, without restarting its clock. Resolves false when it could not be asked.
  function check() {
    if (!asking) {
      asking = fetch(dialog.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
        .then(async (response) => {
          if (response.status === 401) {
            endSession();
            return true;
          }
          if (!response.ok) return false;
          const state = await response.json();
          if (state.signed_in) learn(state.expires_in, state.renewable);
          else endSession();
          return true;
        })
        .catch(() => false)
        .finally(() => {
          asking = null;
        });
    }
    return asking;
  }

  function tick() {
    if (signedOut || deadline === null) return;
    const now = Date.now();
    if (now >= deadline + CHECK_GRACE) {
      if (endCheckedFor === deadline) return;
      endCheckedFor = deadline;
      const asked = deadline;
      check().then((known) => {
        // Unreachable: the server's last word stands, and by it the session has ended.
        if (!known && deadline === asked) endSession();
      });
      return;
    }
    if (deadline - now <= warning && !warningChecked && !dialog.open) {
      // Another tab may have kept the session going: ask before warning.
      warningChecked = true;
      check().then(update);
      return;
    }
    update();
  }

  stay.addEventListener("click", async () => {
    try {
      const response = await fetch(body.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const state = await response.json();
        learn(state.expires_in, state.renewable);
        return;
      }
      if (response.headers.get("X-Session-Expired") === "1") {
        endSession();
        return;
      }
    } catch (error) {
      // Unreachable: ask below what is true.
    }
    check();
  });

  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!signedOut && renewable) {
      stay.click(); // Escape means "stay signed in", as the default action
      return;
    }
    // Nothing to choose: let the person see the page, and copy anything not saved.
    dismissed = true;
    dialog.close();
  });

  // Background saves (htmx) report the session's end too, or that it has already ended; the save's
  // own message says so beside the question, so this does not open the dialog over it.
  body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (xhr && xhr.status) fromHeaders((name) => xhr.getResponseHeader(name), { show: false });
  });

  function onReturn() {
    if (document.visibilityState === "visible") check();
  }
  document.addEventListener("visibilitychange", onReturn);
  window.addEventListener("focus", onReturn);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) check(); // back from the browser's page cache, with an old count
  });

  if (body.dataset.sessionExpiresIn) learn(body.dataset.sessionExpiresIn, body.dataset.sessionRenewable !== "false");
  else check();
  window.setInterval(tick, 1000);
}
