// The one location picker (report, project and intervention forms): a click on the
// map sets the point. Inside a [data-picker] box it fills the hidden [data-pick-lat] and
// [data-pick-lon] fields and shows the coordinates in the [data-pick-text] field (typing
// there again clears the point, so the text wins); the report form names its visible
// latitude and longitude fields with data-lat and data-lon. With data-locate, a button sets the point
// where the device is. Everything works without it.
(function () {
  "use strict";
  function init(el) {
    if (el.dataset.ready || typeof L === "undefined") return;
    el.dataset.ready = "1";
    var box = el.closest("[data-picker]") || document;
    var lat = el.dataset.lat ? document.getElementById(el.dataset.lat) : box.querySelector("[data-pick-lat]");
    var lon = el.dataset.lon ? document.getElementById(el.dataset.lon) : box.querySelector("[data-pick-lon]");
    var text = el.dataset.lat ? null : box.querySelector("[data-pick-text]");
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
    var marker = null;
    function place(latlng) {
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng, { alt: el.dataset.markerLabel || "" }).addTo(map);
    }
    if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) {
      place([+lat.value, +lon.value]);
      map.setView([+lat.value, +lon.value], 17);
    } else if (el.dataset.bbox) {
      var b = el.dataset.bbox.split(",").map(Number);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    } else {
      map.setView([46.6, 2.4], 5);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      if (text) text.value = lat.value + ", " + lon.value;
      place(event.latlng);
    });
    // « Use my position », for a person standing where the problem is (a phone): only where the browser
    // can tell, and only on a click (the browser then asks the person). Refused or unavailable: say so.
    if (el.dataset.locate && navigator.geolocation) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary locate-button";
      button.textContent = el.dataset.locate;
      var status = document.createElement("p");
      status.className = "muted";
      status.setAttribute("role", "status");
      el.parentNode.insertBefore(button, el);
      el.parentNode.insertBefore(status, el);
      button.addEventListener("click", function () {
        status.textContent = "";
        navigator.geolocation.getCurrentPosition(function (position) {
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          lat.value = latlng.lat.toFixed(6);
          lon.value = latlng.lng.toFixed(6);
          if (text) text.value = lat.value + ", " + lon.value;
          place(latlng);
          map.setView(latlng, 18);
        }, function () {
          status.textContent = el.dataset.locateError || "";
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
      });
    }
    if (text) {
      text.addEventListener("input", function () {
        lat.value = "";
        lon.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
      });
    }
  }
  function all() { document.querySelectorAll("[data-pick-map]").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
