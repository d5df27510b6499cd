// The site's one script, on every page; everything works without it.
//
// 1. The site menu is a <details> disclosure: it opens and closes without JavaScript.
// This adds what the native element leaves out: aria-expanded on the button, Escape
// to close it (focus back on the button), and the menu open on wide screens for
// browsers whose CSS cannot show a closed <details>' content.
(function () {
  "use strict";
  const menu = document.querySelector("details[data-menu]");
  if (!menu) return;
  const button = menu.querySelector("summary");
  const wide = window.matchMedia("(min-width: 60rem)");

  function sync() {
    button.setAttribute("aria-expanded", menu.open ? "true" : "false");
  }
  function fit() {
    menu.open = wide.matches;
    sync();
  }

  menu.addEventListener("toggle", sync);
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      button.focus();
    }
  });
  wide.addEventListener("change", fit);
  fit();
})();

// 2. A refused form comes back with its error summary (components/form_fields.html) above the
// fields, often far down the page: bring it into view and give it the focus, so that a phone user
// sees why at once and a screen reader reads it (GOV.UK's pattern). Without JavaScript the summary
// is still the form's first element, a role="alert".
(function () {
  "use strict";
  const summary = document.querySelector(".error-summary[tabindex]");
  if (summary) summary.focus();
})();

// 3. Paper cannot open a <details>: what a closed summary hides (« Les chiffres : … ») is printed open,
// and closed again afterwards. The site menu is left alone (it is not printed).
(function () {
  "use strict";
  let opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.from(document.querySelectorAll("main details:not([open])"));
    opened.forEach(function (details) { details.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
})();
