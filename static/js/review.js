// In-place comments on the review page, with htmx.
//
// Each step's "Add a comment" form posts in the background and swaps in that step's comments. A
// refused comment (400: empty or too long; 409: the checklist was signed off meanwhile) is swapped
// in too, with its message beside the box. Anything else (signed out, no connection, a server
// error) swaps nothing, so the text stays in the box, and says so. Without JavaScript the form
// posts as usual and comes back to the step. Nothing is written to browser storage.
import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

const SWAPPED = new Set([400, 409]);
const htmx = window.htmx;

// htmx 2 notes the page's path in session storage for its history feature, which is switched off.
try {
  window.sessionStorage.removeItem("htmx-current-path-for-history");
} catch (error) {
  // Storage is unavailable, so there is nothing to clear.
}

// The comment form of the step block that an htmx event is about: htmx fires some events on the
// form and others on the block it swaps (the form's target).
function commentForm(element) {
  const block = element && element.closest ? element.closest("[data-step-comments]") : null;
  return block ? block.querySelector("[data-step-comment-form]") : null;
}

function sayNotAdded(form, text) {
  const line = form.querySelector("[data-comment-problem]");
  if (!line) return;
  line.className = "govuk-error-message";
  line.setAttribute("role", "alert");
  line.textContent = `Your comment was not added: ${text} Your text is still here.`;
  line.hidden = false;
}

if (htmx) {
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const form = commentForm(event.target);
    if (!form) return;
    const status = event.detail.xhr.status;
    if (status === 200) return;
    if (SWAPPED.has(status)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    if (status === 401) {
      sayNotAdded(form, "you have been signed out. Sign in again in a new tab, then add it again.");
    } else if (status === 403) {
      sayNotAdded(form, "your sign-in has changed. Copy your text, then reload the page.");
    } else {
      sayNotAdded(form, "something went wrong on our side. Try again.");
    }
  });

  document.body.addEventListener("htmx:sendError", (event) => {
    const form = commentForm(event.target);
    if (form) sayNotAdded(form, "Practice Hub could not be reached. Check your connection and try again.");
  });

  // New content: start its GOV.UK components, and move focus to what changed.
  document.body.addEventListener("htmx:load", (event) => {
    const block = event.detail.elt;
    if (!block.matches || !block.matches("[data-step-comments]")) return;
    initAll({ scope: block });
    const target = block.querySelector("[data-comment-focus], .govuk-textarea--error");
    if (target) target.focus();
  });
}
