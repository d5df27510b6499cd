// Leaflet guesses where its default marker images are by reading a URL out of
// leaflet.css; once collectstatic hashes the file names the guess fails and it
// asks for marker-icon.png next to the page (a 404 and a broken marker). The
// images' static URLs come from this script's data attributes
// (components/leaflet_js.html), for every map of the site.
(function () {
  "use strict";
  var script = document.currentScript;
  if (typeof L === "undefined" || !script) return;
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: script.dataset.iconUrl,
    iconRetinaUrl: script.dataset.iconRetinaUrl,
    shadowUrl: script.dataset.shadowUrl
  });
})();
