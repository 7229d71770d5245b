// Maps for places pages: draw a route by clicking (route form), show a route line, show directory points.
// Every map's content is also in the page as text or a table; Leaflet is served by the platform.
(function () {
  "use strict";
  if (!window.L) { return; }
  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    map.attributionControl.addAttribution("Points and lines drawn by the VRP Platform");
    map.setView([52.48, -1.89], 13);
    return map;
  }
  var draw = document.getElementById("draw-map");
  if (draw) {
    var map = baseMap(draw), points = [], line = L.polyline([], { color: "#1d70b8", weight: 4 }).addTo(map);
    var field = document.getElementById("id_line"), count = document.getElementById("point-count");
    function update() {
      line.setLatLngs(points);
      field.value = points.length ? JSON.stringify({ type: "LineString", coordinates: points.map(function (p) { return [p[1], p[0]]; }) }) : "";
      count.textContent = points.length + " point" + (points.length === 1 ? "" : "s");
    }
    map.on("click", function (e) { points.push([e.latlng.lat, e.latlng.lng]); update(); });
    document.getElementById("undo-point").addEventListener("click", function () { points.pop(); update(); });
  }
  var shown = document.getElementById("route-map");
  if (shown) {
    var routeMap = baseMap(shown), layer = L.geoJSON(JSON.parse(shown.getAttribute("data-line")), { style: { color: "#1d70b8", weight: 5 } }).addTo(routeMap);
    routeMap.fitBounds(layer.getBounds(), { padding: [30, 30] });
  }
  function directoryMap() {
    var element = document.getElementById("directory-map");
    if (!element || element.getAttribute("data-ready")) { return; }
    element.setAttribute("data-ready", "1");
    var data = JSON.parse(element.getAttribute("data-points")), directory = baseMap(element);
    var layer = L.geoJSON(data, { pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, color: "#0b0c0c", weight: 1, fillColor: "#ffdd00", fillOpacity: 1 }); },
      onEachFeature: function (f, l) {
        // The service and venue names are submitted by the public: text, never HTML (Leaflet reads a string as HTML).
        var text = document.createElement("span");
        text.textContent = f.properties.label + " (" + f.properties.name + ")";
        l.bindTooltip(text);
      } }).addTo(directory);
    if (data.features.length) { directory.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 15 }); }
  }
  directoryMap();
  document.body.addEventListener("htmx:afterSettle", directoryMap);
})();
