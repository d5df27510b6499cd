// The site menu is a <details> disclosure: it opens and closes without JavaScript.
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
