// Background saving of an action's wording, with htmx.
//
// The reply is shown in the form's status line: saved, refused (400) or changed in another tab
// (409). If Practice Hub can't be reached, or the person has been signed out, it says so and keeps
// what was typed; the form's own button still saves. A warning shows before leaving the page with
// unsaved changes. Nothing is written to browser storage.
import { readCookie } from "./session-timeout.js";

const form = document.querySelector("form[data-action-autosave]");
const htmx = window.htmx;

// htmx 2 notes the page's path in session storage for its history feature, which is switched off.
try {
  window.sessionStorage.removeItem("htmx-current-path-for-history");
} catch (error) {
  // Storage is unavailable, so there is nothing to clear.
}

if (form && htmx) {
  const status = document.getElementById("action-status");
  let unsaved = false;

  function sayNotSaved(text) {
    const line = document.createElement("p");
    line.className = "app-autosave-status app-autosave-status--error";
    line.textContent = text;
    status.replaceChildren(line);
  }

  form.addEventListener("input", () => {
    unsaved = true;
  });
  form.addEventListener("submit", () => {
    unsaved = false;
  });

  form.addEventListener("htmx:configRequest", (event) => {
    const token = readCookie(form.dataset.csrfCookie) || form.querySelector("input[name=csrfmiddlewaretoken]").value;
    event.detail.headers["X-CSRFToken"] = token;
  });

  form.addEventListener("htmx:beforeSwap", (event) => {
    const code = event.detail.xhr.status;
    if (code === 200) {
      unsaved = false;
      return;
    }
    if (code === 400 || code === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    sayNotSaved(
      code === 401
        ? "Not saved: you have been signed out. Your text is still here: sign in again in a new tab, then use ‘Save the action’."
        : "Not saved: something went wrong on our side. Your text is still here. Use ‘Save the action’ to try again.",
    );
  });

  form.addEventListener("htmx:sendError", () => {
    sayNotSaved("Not saved: Practice Hub could not be reached. Check your connection. Your text is still here.");
  });

  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });
}
