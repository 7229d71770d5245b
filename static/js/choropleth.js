// Choropleth of rate per 1,000 residents and the Gi* hot spot layer (every figure it shows is also in the
// page's tables and downloads). Leaflet is served by the platform itself.
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

// Class breaks: quantiles (fifths) of the areas' values, rounded to one decimal place, with repeated breaks
// merged and breaks at or above the largest value dropped, so every class is a distinct, non-empty range and the
// breaks are strictly increasing (never "120.6 to 120.6"). Returns the upper bounds of every class but the last.
function vrpBreaks(values) {
  "use strict";
  var sorted = values.filter(function (v) { return v !== null && v !== undefined && isFinite(v); }).sort(function (a, b) { return a - b; });
  if (!sorted.length) { return []; }
  var top = sorted[sorted.length - 1];
  var cuts = [];
  [0.2, 0.4, 0.6, 0.8].forEach(function (q) {
    var cut = Math.round(sorted[Math.floor(q * (sorted.length - 1))] * 10) / 10;
    if (cut < top && (!cuts.length || cut > cuts[cuts.length - 1])) { cuts.push(cut); }
  });
  return cuts;
}

// Keeps a layer's area shapes out of the Tab order and the accessibility tree. Leaflet listens for focus on a
// shape with a tooltip, and Chrome makes an SVG element with focus listeners a Tab stop, so every area (hundreds
// at LSOA level) would be a nameless stop before the list under the map, each leaving its tooltip open. The list
// (map-areas.js) is the keyboard and screen reader route to the same areas; the mouse still hovers and clicks.
// A shape's element exists only once the map has a view (Leaflet adds layers when it is ready), so this runs on
// each shape's "add" event, given as `onEachFeature`'s helper.
function vrpUnfocusable(shape) {
  "use strict";
  function apply() {
    var el = typeof shape.getElement === "function" ? shape.getElement() : null;
    if (el) {
      el.setAttribute("tabindex", "-1");
      el.setAttribute("aria-hidden", "true");
      el.setAttribute("focusable", "false");
    }
  }
  shape.on("add", apply);
  apply();
}

// Attribution text from the settings goes into Leaflet (which reads it as HTML) escaped.
function vrpEscape(text) {
  "use strict";
  return String(text || "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function vrpChoropleth() {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L || element.getAttribute("data-ready")) { return; }
  element.setAttribute("data-ready", "1");
  var palette = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  var spotColours = { "hot spot": "#d4351c", "cold spot": "#1d70b8", "not significant": "#f3f2f1" };
  var map = L.map(element, { attributionControl: true, scrollWheelZoom: false });
  map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right");
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: vrpEscape(element.getAttribute("data-tiles-attribution")) }).addTo(map);
  }
  var layer = null;
  var outline = null;
  var profileUrl = element.getAttribute("data-profile-url");
  var profileQuery = element.getAttribute("data-profile-query") || "";

  function coloursFor(count) {
    // Spread the palette over the classes there are, lightest to darkest.
    if (count <= 1) { return [palette[2]]; }
    var picked = [];
    for (var i = 0; i < count; i++) { picked.push(palette[Math.round(i * (palette.length - 1) / (count - 1))]); }
    return picked;
  }

  function classOf(value, cuts) {
    for (var i = 0; i < cuts.length; i++) { if (value <= cuts[i]) { return i; } }
    return cuts.length;
  }

  function legendItem(legend, colour, text, lower, upper) {
    var item = document.createElement("li");
    // Colours are set through the DOM, not a style attribute, so the page's CSP needs no 'unsafe-inline'.
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    if (lower !== null && lower !== undefined) { item.setAttribute("data-lower", String(lower)); }
    if (upper !== null && upper !== undefined) { item.setAttribute("data-upper", String(upper)); }
    legend.appendChild(item);
  }

  function clearLegend() {
    var legend = document.getElementById("map-legend");
    if (legend) {
      Array.prototype.slice.call(legend.querySelectorAll("li:not([data-keep])")).forEach(function (li) { legend.removeChild(li); });
    }
    return legend;
  }

  function describe(p, kind) {
    var name = p.name ? p.name + " (" + (p.code || p.lsoa) + ")" : (p.code || p.lsoa);
    if (kind === "hotspots") {
      return name + ": " + p["class"] + (p.value === null || p.value === undefined ? "" : ", " + p.value + " per 1,000 residents");
    }
    var rate = p.rate_per_1000 === null || p.rate_per_1000 === undefined || typeof p.rate_per_1000 !== "number" ? "rate withheld" : p.rate_per_1000 + " per 1,000 residents";
    var count = typeof p.count === "number" ? p.count.toLocaleString("en-GB") : "count withheld";
    return name + ": " + rate + " (" + count + ")";
  }

  function profileOf(p) {
    var code = p.code || p.lsoa;
    return profileUrl && code ? profileUrl + "?" + (profileQuery ? profileQuery + "&" : "") + "area=" + encodeURIComponent(code) : null;
  }

  function bind(f, l, kind) {
    var p = f.properties;
    l.bindTooltip(vrpText(describe(p, kind)), { sticky: true });
    vrpUnfocusable(l);
    var href = profileOf(p);
    if (href) {
      l.on("click", function () { window.location.assign(href); });
    }
  }

  // The same areas as a list of links beside the map, for keyboard and screen reader users (map-areas.js).
  function listAreas(kind) {
    if (typeof vrpAreaList !== "function") { return; }
    vrpAreaList(document.getElementById("map-areas"), layer, {
      describe: function (p) { return describe(p, kind); },
      href: profileOf,
      title: kind === "hotspots" ? "Hot spot classes of the areas on the map, as a list" : "Areas on the map, as a list"
    });
  }

  function drawOutline(url) {
    // With no basemap, the local authorities' outline gives the map its bearings.
    if (tiles || !url || outline) { return; }
    fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (data) {
      outline = L.geoJSON(data, { interactive: false, style: function () { return { color: "#0b0c0c", weight: 2, fill: false }; } }).addTo(map);
    });
  }

  // Only the answer to the latest choice is drawn: a slower answer to an earlier one (the default layer still
  // loading when the reader picks another) must not replace it.
  var latest = 0;

  function show(url, kind) {
    var asked = ++latest;
    fetch(url, { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (data) {
      if (asked !== latest) { return; }
      if (layer) { map.removeLayer(layer); }
      var legend = clearLegend();
      if (!data.features) {
        // Refused (a controlled source outside the public release): its reason is in the answer.
        var reason = data.errors && data.errors.length ? data.errors[0].message : "Not published for this selection.";
        if (legend) { legendItem(legend, "#dddddd", reason); }
        layer = null;
        listAreas(kind);
        return;
      }
      if (kind === "hotspots") {
        layer = L.geoJSON(data, {
          style: function (f) { return { color: "#505a5f", weight: 0.5, fillOpacity: 0.8, fillColor: spotColours[f.properties["class"]] || "#dddddd" }; },
          onEachFeature: function (f, l) { bind(f, l, kind); }
        }).addTo(map);
        if (legend) {
          ["hot spot", "cold spot", "not significant"].forEach(function (name) {
            var n = data.features.filter(function (f) { return f.properties["class"] === name; }).length;
            legendItem(legend, spotColours[name], name + " (" + n + " LSOAs)");
          });
        }
      } else {
        var values = data.features.map(function (f) { return typeof f.properties.rate_per_1000 === "number" ? f.properties.rate_per_1000 : null; });
        var cuts = vrpBreaks(values);
        var colours = coloursFor(cuts.length + 1);
        layer = L.geoJSON(data, {
          style: function (f) {
            var v = f.properties.rate_per_1000;
            return { color: "#505a5f", weight: 0.6, fillOpacity: 0.8, fillColor: typeof v === "number" ? colours[classOf(v, cuts)] : "#dddddd" };
          },
          onEachFeature: function (f, l) { bind(f, l, kind); }
        }).addTo(map);
        if (legend && values.some(function (v) { return v !== null; })) {
          var lower = null;
          cuts.concat([null]).forEach(function (cut, i) {
            var text = cuts.length === 0 ? "every area (" + (values.filter(function (v) { return v !== null; })[0]) + ")"
              : lower === null ? "up to " + cut : cut === null ? "over " + lower : "over " + lower + " to " + cut;
            legendItem(legend, colours[i], text + " per 1,000", lower, cut);
            lower = cut;
          });
        }
        if (values.some(function (v) { return v === null; }) && legend) { legendItem(legend, "#dddddd", "withheld or no residents"); }
      }
      if (outline) { outline.bringToFront(); }
      if (data.features.length) { map.fitBounds(layer.getBounds()); }
      listAreas(kind);
      element.setAttribute("data-layer", kind);
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
  var what = document.getElementById("map-layer");
  // Hot spots are found among LSOAs: while that layer is shown the level box is disabled and reads LSOAs (what
  // the map shows), and the reader's own choice comes back when they return to rates.
  var chosen = chooser ? chooser.value : "lad";
  function redraw() {
    if (chooser && !chooser.disabled) { chosen = chooser.value; }
    var hot = what && what.value === "hotspots";
    var kind = hot ? "hotspots" : chosen;
    if (chooser) {
      chooser.disabled = hot;
      chooser.value = hot ? "lsoa" : chosen;
    }
    show(element.getAttribute("data-" + kind + "-url"), kind);
  }
  drawOutline(element.getAttribute("data-outline-url"));
  redraw();
  if (chooser) { chooser.addEventListener("change", redraw); }
  if (what) { what.addEventListener("change", redraw); }
}
vrpChoropleth();
// Filters update the figures in place (htmx); the new map container is drawn when it arrives.
document.body.addEventListener("htmx:afterSettle", vrpChoropleth);
