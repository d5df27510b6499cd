// The asset map: a Leaflet island that loads /api/v1/assets.geojson for the
// visible box (the server clusters when a box holds more than 2 000 assets).
// The page's list, with the same filters, works without it.
(function () {
  "use strict";
  function init(el) {
    if (el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    }
    var layer = L.layerGroup().addTo(map);
    var pending = null;
    function popup(p) {
      var box = document.createElement("div");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.name;
      box.appendChild(a);
      var meta = document.createElement("div");
      meta.textContent = p.type_name + " · " + p.status_label;
      box.appendChild(meta);
      return box;
    }
    var labels = { open: el.dataset.labelOpen, openable: el.dataset.labelOpenable, closed: el.dataset.labelClosed };
    // The same colours as .asset-dot-* in assets.css: the legend under the map and the list use them.
    var colours = { open: "#1f5f4a", openable: "#b36b00", closed: "#5b5b5b" };
    function load() {
      var b = map.getBounds();
      var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v, i) {
        var limit = i % 2 === 0 ? 180 : 90;
        return Math.max(-limit, Math.min(limit, v)).toFixed(6);
      }).join(",");
      var url = el.dataset.api + "?bbox=" + box + (el.dataset.query ? "&" + el.dataset.query : "");
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url, { signal: pending.signal, headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          layer.clearLayers();
          data.features.forEach(function (f) {
            var c = f.geometry.coordinates, p = f.properties;
            var at = [c[1], c[0]];
            if (p.cluster) {
              var size = 24 + Math.min(24, Math.round(Math.log(p.count) * 4));
              // Leaflet sizes the icon through the CSSOM (iconSize): a style="" attribute in html would break CSP.
              var icon = L.divIcon({ className: "asset-cluster", html: String(p.count), iconSize: [size, size] });
              L.marker(at, { icon: icon, title: p.count + " " + el.dataset.clusterLabel, alt: p.count + " " + el.dataset.clusterLabel, keyboard: true })
                .on("click", function () { map.setView(at, Math.min(map.getZoom() + 2, 19)); })
                .addTo(layer);
            } else {
              p.status_label = labels[p.status] || p.status;
              // A shape per status as well as a colour (WCAG 1.4.1): ● open, ◆ openable, ■ closed, as in the legend.
              var status = colours[p.status] ? p.status : "open";
              var dot = L.divIcon({ className: "asset-marker", html: '<span class="asset-dot asset-dot-' + status + '"></span>',
                                    iconSize: [16, 16] });
              L.marker(at, { icon: dot, title: p.name + " · " + p.status_label, keyboard: false })
                .bindPopup(popup(p)).addTo(layer);
            }
          });
          el.dataset.loaded = String(data.features.length);
        })
        .catch(function () { /* aborted or offline: the list stays */ });
    }
    map.on("moveend", load);
    var bounds = (el.dataset.bounds || "").split(",").map(Number);
    if (bounds.length === 4 && bounds.every(isFinite)) map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
    else map.setView([46.6, 2.4], 5);
  }
  function all() { document.querySelectorAll("[data-assets-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
