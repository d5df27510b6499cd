// The one JavaScript island for maps: each [data-map] element gets a Leaflet
// map of the GeoJSON in the <script type="application/json"> it names.
// Features may carry `name` and `url` properties; the page always has a list
// alternative, so nothing here is needed to reach the same content.
(function () {
  "use strict";
  function init(el) {
    if (el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.geojson);
    var data = source ? JSON.parse(source.textContent) : null;
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    var layer = L.geoJSON(data, {
      // A point's pin is an image: its text is the feature's name (Leaflet's default is "Marker", in English).
      pointToLayer: function (feature, latlng) {
        var name = (feature.properties && feature.properties.name) || "";
        return L.marker(latlng, { alt: name, title: name });
      },
      // A feature may carry its own `colour` (a study's cells by distance class).
      style: function (feature) {
        var c = feature && feature.properties && feature.properties.colour;
        return c ? { color: c, weight: 0.5, fillColor: c, fillOpacity: 0.45 }
                 : { color: "#1f5f4a", weight: 2, fillOpacity: 0.12 };
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        if (!p.name) return;
        var box = document.createElement("div");
        var title = document.createElement(p.url ? "a" : "strong");
        title.textContent = p.name;
        if (p.url) title.href = p.url;
        box.appendChild(title);
        lyr.bindPopup(box);
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
    else map.setView([46.6, 2.4], 5);
  }
  function all() { document.querySelectorAll("[data-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
  document.addEventListener("htmx:afterSettle", all);
})();
