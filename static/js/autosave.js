// Background saving of checklist answers, with htmx.
//
// Each question posts its own value when it changes and swaps only its status line. This script:
// - sends the current CSRF token (read from the cookie, so a sign-in in another tab keeps working);
// - shows refused saves (400 invalid, 409 changed elsewhere, 423 locked) instead of dropping them;
// - on 401 (signed out), a network failure or a server error, says so beside the question, keeps
//   the text in the field and tries again when the person comes back to the tab, or asks to;
// - lets the person use the saved version in a conflict, or keep both (for written answers);
// - warns before leaving the page while an answer is unsaved.
// Nothing is ever written to browser storage or cookies.

import { readCookie } from "./session-timeout.js";

const SWAPPED_ERRORS = new Set([400, 409, 423]);
const form = document.querySelector("form[data-autosave-form]");
const htmx = window.htmx;

function questionOf(element) {
  return element && element.closest ? element.closest("[data-autosave-question]") : null;
}

function statusOf(question) {
  return document.getElementById(`status-${question.dataset.autosaveQuestion}`);
}

function showStatus(question, text, { error = false, retry = false, signIn = false } = {}) {
  const region = statusOf(question);
  if (!region) return;
  const line = document.createElement("p");
  line.className = error ? "app-autosave-status app-autosave-status--error" : "app-autosave-status";
  line.append(text);
  if (signIn) {
    line.append(" ");
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = document.body.dataset.loginUrl || "/accounts/login/";
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = "Sign in again in a new tab";
    line.append(link, ", then come back: it will save automatically.");
  }
  region.replaceChildren(line);
  if (retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-2";
    button.dataset.autosaveRetry = question.dataset.autosaveQuestion;
    button.textContent = "Try again";
    region.append(button);
  }
}

// htmx 2 notes the page's path in session storage for its history feature, which is switched off
// here. Clear it, so that browser storage holds nothing about a checklist.
try {
  window.sessionStorage.removeItem("htmx-current-path-for-history");
} catch (error) {
  // Storage is unavailable, so there is nothing to clear.
}

if (form && htmx) {
  const unsaved = new Set(); // questions typed in since their last successful save
  const failed = new Set(); // questions whose last save could not reach the server or was signed out
  let signedOut = false;

  document.querySelectorAll("[data-autosave-note]").forEach((note) => {
    note.hidden = false;
  });

  // "Change" and error links from other pages end in #q-<key>: take the person to that field.
  if (window.location.hash.startsWith("#q-")) {
    const field = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (field && typeof field.focus === "function") field.focus();
  }

  function csrfToken() {
    return readCookie(form.dataset.csrfCookie) || form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  form.addEventListener("input", (event) => {
    const question = questionOf(event.target);
    if (question) unsaved.add(question);
  });

  // A date is saved once the person leaves its three boxes, not after each one.
  form.addEventListener("focusout", (event) => {
    const question = questionOf(event.target);
    if (!question || !question.querySelector(".govuk-date-input")) return;
    if (event.relatedTarget && question.contains(event.relatedTarget)) return;
    if (unsaved.has(question)) htmx.trigger(question, "app-date-complete");
  });

  // What each question last sent, so that leaving a field ("change") does not send it again.
  const lastSent = new WeakMap();

  function valuesOf(question) {
    const key = question.dataset.autosaveQuestion;
    const values = [];
    question.querySelectorAll("input, textarea").forEach((input) => {
      if (!input.name.startsWith(`q-${key}`)) return;
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      values.push(`${input.name}=${input.value}`);
    });
    return values.join("\n");
  }

  document.body.addEventListener("htmx:confirm", (event) => {
    const question = event.detail.elt;
    if (!question.dataset || !question.dataset.autosaveQuestion) return;
    const trigger = event.detail.triggeringEvent;
    if (trigger && trigger.type === "change" && lastSent.get(question) === valuesOf(question)) {
      event.preventDefault(); // already sent: a second copy would only queue behind it
    }
  });

  document.body.addEventListener("htmx:configRequest", (event) => {
    const question = questionOf(event.detail.elt);
    if (!question) return;
    event.detail.headers["X-CSRFToken"] = csrfToken();
    lastSent.set(question, valuesOf(question));
  });

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const question = questionOf(event.detail.elt);
    if (!question) return;
    const status = event.detail.xhr.status;
    if (status === 200) {
      signedOut = false;
      failed.delete(question);
      return;
    }
    if (SWAPPED_ERRORS.has(status)) {
      // Show the refusal (invalid answer, conflict or locked checklist) in place of the status.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      failed.delete(question);
      return;
    }
    event.detail.shouldSwap = false;
    failed.add(question);
    if (status === 401) {
      signedOut = true;
      showStatus(question, "Not saved: you have been signed out. Your text is still here.", {
        error: true,
        retry: true,
        signIn: true,
      });
    } else if (status === 403) {
      showStatus(question, "Not saved: your sign-in has changed. Your text is still here. Reload the page after copying it if trying again does not work.", {
        error: true,
        retry: true,
      });
    } else {
      showStatus(question, "Not saved: something went wrong on our side. Your text is still here.", {
        error: true,
        retry: true,
      });
    }
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const question = questionOf(event.detail.elt);
    if (!question || !event.detail.xhr || event.detail.xhr.status !== 200) return;
    // Typing may have carried on while the save was on its way; that text is still to be saved.
    if (lastSent.get(question) === valuesOf(question)) unsaved.delete(question);
  });

  document.body.addEventListener("htmx:sendError", (event) => {
    const question = questionOf(event.detail.elt);
    if (!question) return;
    failed.add(question);
    showStatus(question, "Not saved: Practice Hub could not be reached. Check your connection. Your text is still here.", {
      error: true,
      retry: true,
    });
  });

  function retryFailed() {
    failed.forEach((question) => {
      if (document.body.contains(question)) htmx.trigger(question, "app-retry");
    });
  }

  window.addEventListener("focus", retryFailed);
  window.addEventListener("online", retryFailed);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") retryFailed();
  });

  form.addEventListener("click", (event) => {
    const retry = event.target.closest("[data-autosave-retry]");
    if (retry) {
      const question = questionOf(retry);
      if (question) htmx.trigger(question, "app-retry");
      return;
    }
    const useSaved = event.target.closest("[data-use-saved]");
    if (useSaved) useSavedVersion(useSaved);
    const keepBoth = event.target.closest("[data-keep-both]");
    if (keepBoth) keepBothVersions(keepBoth);
  });

  // "Keep both versions" in a conflict over a written answer: put the two texts, joined by the
  // server, in the field and save them on top of the newer saved answer.
  function keepBothVersions(button) {
    const question = questionOf(button);
    const key = button.dataset.keepBoth;
    const text = question.querySelector("textarea, input.govuk-input");
    text.value = button.dataset.bothValue || "";
    text.dispatchEvent(new Event("keyup")); // refreshes the character count
    document.getElementById(`revision-${key}`).value = button.dataset.savedRevision;
    unsaved.add(question);
    showStatus(question, "Saving both versions…");
    text.focus();
    htmx.trigger(question, "app-retry");
  }

  // "Use the saved version" in a conflict: put the newer saved answer in the field, and build on it.
  function useSavedVersion(button) {
    const question = questionOf(button);
    const key = button.dataset.useSaved;
    const value = button.dataset.savedValue || "";
    const text = question.querySelector("textarea, input.govuk-input:not(.govuk-date-input__input)");
    if (text) {
      text.value = value;
      text.dispatchEvent(new Event("keyup")); // refreshes the character count
    } else if (question.querySelector(".govuk-date-input")) {
      const [year = "", month = "", day = ""] = value ? value.split("-") : [];
      question.querySelector(`[name="q-${key}.day"]`).value = day ? String(Number(day)) : "";
      question.querySelector(`[name="q-${key}.month"]`).value = month ? String(Number(month)) : "";
      question.querySelector(`[name="q-${key}.year"]`).value = year;
    } else {
      const chosen = new Set(value.split("\n").filter(Boolean));
      question.querySelectorAll(`input[name="q-${key}"]`).forEach((input) => {
        input.checked = chosen.has(input.value);
      });
    }
    document.getElementById(`revision-${key}`).value = button.dataset.savedRevision;
    lastSent.set(question, valuesOf(question)); // it is what the server has, so nothing to send
    unsaved.delete(question);
    failed.delete(question);
    showStatus(question, "You are now using the saved version.");
    const focusable = question.querySelector("textarea, input:not([type=hidden])");
    if (focusable) focusable.focus();
  }

  form.addEventListener("submit", (event) => {
    if (signedOut) {
      // A full-page post while signed out would lose the text on the way to the sign-in page.
      event.preventDefault();
      const first = failed.values().next().value;
      if (first) {
        showStatus(first, "Not saved: you have been signed out. Your text is still here.", {
          error: true,
          retry: true,
          signIn: true,
        });
        first.scrollIntoView({ block: "center" });
      }
      return;
    }
    // The page may predate a sign-in in another tab: send the current token.
    form.querySelector("input[name=csrfmiddlewaretoken]").value = csrfToken();
    unsaved.clear();
  });

  window.addEventListener("beforeunload", (event) => {
    if (unsaved.size || failed.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
