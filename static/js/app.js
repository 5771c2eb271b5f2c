import { initAll } from "../vendor/govuk/govuk-frontend.min.js";
import { initSessionTimeout } from "./session-timeout.js";

initAll();
initSessionTimeout(document.body);

// GOV.UK Frontend marks a radio that reveals a box with aria-expanded, which ARIA does not allow on
// a radio (axe-core's aria-allowed-attr). The box follows its radio, so the attribute is dropped
// whenever GOV.UK Frontend sets it: at start, on each click and on a page restored from history.
// Without JavaScript every box shows and the forms work the same.
function dropExpandedFromRadios() {
  document.querySelectorAll(".govuk-radios__input[aria-expanded]").forEach((radio) => {
    radio.removeAttribute("aria-expanded");
  });
}
dropExpandedFromRadios();
new MutationObserver(dropExpandedFromRadios).observe(document.body, {
  subtree: true,
  attributes: true,
  attributeFilter: ["aria-expanded"],
});
