// Warns before the inactivity timeout and lets the person stay signed in.
// Background saves count as activity, so the clock restarts after each one.

function formatRemaining(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initSessionTimeout(body) {
  const idle = Number(body.dataset.sessionIdle || 0);
  const warning = Number(body.dataset.sessionWarning || 0);
  const dialog = document.getElementById("timeout-dialog");
  if (!idle || !dialog || typeof dialog.showModal !== "function") return;

  const countdown = document.getElementById("timeout-dialog-countdown");
  const stay = document.getElementById("timeout-dialog-stay");
  const expired = document.getElementById("timeout-dialog-expired");
  const csrf = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  let deadline = Date.now() + idle * 1000;
  let ticker = null;

  function restart() {
    deadline = Date.now() + idle * 1000;
    expired.hidden = true;
    stay.hidden = false;
    if (dialog.open) dialog.close();
  }

  function tick() {
    const remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (remaining <= 0) {
      // Never navigate away: unsaved text must stay on the page.
      countdown.textContent = "0 seconds";
      expired.hidden = false;
      stay.hidden = true;
      if (!dialog.open) dialog.showModal();
      return;
    }
    if (remaining <= warning && !dialog.open) {
      dialog.showModal();
      stay.focus();
    }
    if (dialog.open) countdown.textContent = formatRemaining(remaining);
  }

  stay.addEventListener("click", async () => {
    try {
      const response = await fetch(body.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        restart();
        return;
      }
    } catch (error) {
      // Fall through and show the signed-out message.
    }
    deadline = Date.now();
    tick();
  });

  dialog.addEventListener("cancel", (event) => {
    // Escape means "stay signed in", as the default action.
    event.preventDefault();
    stay.click();
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) restart();
  });

  ticker = window.setInterval(tick, 1000);
  return ticker;
}
