// Choropleth of rate per 1,000 residents (the platform's only client-side script; every figure it shows is
// also in the page's tables and downloads). Leaflet is served by the platform itself.
// Every text from the data (area, project and place names) goes into the map as text, never as HTML: Leaflet
// reads a string given to a tooltip or popup as HTML, so each is given a DOM node whose textContent is set.
function vrpText(text) {
  "use strict";
  var span = document.createElement("span");
  span.textContent = text === null || text === undefined ? "" : String(text);
  return span;
}

// A link only to a page of this site (a path or a fragment), never a javascript: or other URL from the data.
function vrpSafeHref(url) {
  "use strict";
  var text = String(url || "");
  return (text.charAt(0) === "#" || (text.charAt(0) === "/" && text.charAt(1) !== "/")) ? text : "#";
}

function vrpChoropleth() {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L || element.getAttribute("data-ready")) { return; }
  element.setAttribute("data-ready", "1");
  var colours = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
  map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right");
  var layer = null;

  function breaks(values) {
    var sorted = values.filter(function (v) { return v !== null; }).sort(function (a, b) { return a - b; });
    if (!sorted.length) { return [0, 0, 0, 0]; }
    return [0.2, 0.4, 0.6, 0.8].map(function (q) { return Math.round(sorted[Math.floor(q * (sorted.length - 1))] * 10) / 10; });
  }

  function colour(value, cuts) {
    if (value === null || value === undefined) { return "#dddddd"; }
    for (var i = 0; i < cuts.length; i++) { if (value <= cuts[i]) { return colours[i]; } }
    return colours[4];
  }

  function show(url) {
    fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (data) {
      var cuts = breaks(data.features.map(function (f) { return f.properties.rate_per_1000; }));
      if (layer) { map.removeLayer(layer); }
      layer = L.geoJSON(data, {
        style: function (f) { return { color: "#505a5f", weight: 0.6, fillOpacity: 0.8, fillColor: colour(f.properties.rate_per_1000, cuts) }; },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindTooltip(vrpText((p.name || p.code) + ": " + (p.rate_per_1000 === null ? "withheld" : p.rate_per_1000 + " per 1,000") +
                                " (" + (p.count === null ? "withheld" : p.count) + ")"));
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); }
      var legend = document.getElementById("map-legend");
      if (legend) {
        Array.prototype.slice.call(legend.querySelectorAll("li:not([data-keep])")).forEach(function (li) { legend.removeChild(li); });
        var lower = 0;
        cuts.concat([null]).forEach(function (cut, i) {
          var item = document.createElement("li");
          // Colours are set through the DOM, not a style attribute, so the page's CSP needs no 'unsafe-inline'.
          var swatch = document.createElement("span");
          swatch.className = "swatch";
          swatch.style.background = colours[i];
          item.appendChild(swatch);
          item.appendChild(document.createTextNode((cut === null ? "over " + lower : lower + " to " + cut) + " per 1,000"));
          legend.appendChild(item);
          lower = cut;
        });
      }
    });
  }

  // Optional point layer (the commissioning dashboard's delivery locations), drawn over the areas.
  var pointsUrl = element.getAttribute("data-points-url");
  if (pointsUrl) {
    fetch(pointsUrl, { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (data) {
      var points = L.geoJSON(data, {
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, color: "#0b0c0c", weight: 1, fillColor: "#ffdd00", fillOpacity: 1 }); },
        onEachFeature: function (f, l) {
          // Each point says where it links to (properties.url) and what to call it (properties.label).
          var link = document.createElement("a");
          link.href = vrpSafeHref(f.properties.url);
          link.textContent = f.properties.label;
          var box = document.createElement("div");
          if (f.properties.name) { box.appendChild(document.createTextNode(f.properties.name + ": ")); }
          box.appendChild(link);
          l.bindPopup(box);
        }
      }).addTo(map);
      var legend = document.getElementById("map-legend");
      if (legend && data.features.length) {
        var item = document.createElement("li");
        item.setAttribute("data-keep", "1");
        var dot = document.createElement("span");
        dot.className = "swatch swatch--point";
        item.appendChild(dot);
        item.appendChild(document.createTextNode(element.getAttribute("data-points-label") || "location"));
        legend.appendChild(item);
      }
    });
  }

  var chooser = document.getElementById("map-level");
  show(element.getAttribute("data-" + (chooser ? chooser.value : "lad") + "-url"));
  if (chooser) {
    chooser.addEventListener("change", function () { show(element.getAttribute("data-" + chooser.value + "-url")); });
  }
}
vrpChoropleth();
// Filters update the figures in place (htmx); the new map container is drawn when it arrives.
document.body.addEventListener("htmx:afterSettle", vrpChoropleth);
