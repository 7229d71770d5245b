// Story maps: the map beside a story follows the chapter being read (IntersectionObserver). Each chapter's
// layer is fetched from the insights endpoints with the reader's own rights; everything drawn from the
// database goes in as text (textContent), never as HTML. Without this script the story reads as text, each
// chapter describing its map and linking to its figures.
(function () {
  "use strict";
  var element = document.getElementById("story-map");
  var story = document.getElementById("story");
  if (!element || !story || !window.L || !("IntersectionObserver" in window)) { return; }
  var chapters = Array.prototype.slice.call(story.querySelectorAll(".story__chapter"));
  if (!chapters.length) { return; }
  story.classList.add("story--with-map");

  var RATE_COLOURS = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  var HOTSPOT_COLOURS = { "hot spot": "#d4351c", "cold spot": "#1d70b8", "not significant": "#f3f2f1" };
  var WITHHELD = "#dddddd";
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
  map.attributionControl.addAttribution("Contains OS data © Crown copyright and database right");
  map.setView([52.5, -1.9], 9);
  var status = document.getElementById("story-map-status");
  var legend = document.getElementById("story-legend");
  var areas = document.getElementById("story-areas");
  var profileUrl = element.getAttribute("data-profile-url");
  var requests = {}, figures = null, overlay = [], overlays = null, active = null, fitting = null;

  function getJSON(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
    }
    return requests[url];
  }

  // Keeps the map's shapes out of the Tab order and the accessibility tree: Leaflet listens for focus on a shape
  // with a tooltip, which makes each a nameless Tab stop in Chrome; the list of areas under the map and each
  // chapter's description in words are the keyboard and screen reader route.
  // A shape's element exists only once it is on the map, so this runs on its "add" event too.
  function unfocusable(shape) {
    function apply() {
      var el = typeof shape.getElement === "function" ? shape.getElement() : null;
      if (el) { el.setAttribute("tabindex", "-1"); el.setAttribute("aria-hidden", "true"); el.setAttribute("focusable", "false"); }
    }
    shape.on("add", apply);
    apply();
  }

  function text(value) { var span = document.createElement("span"); span.textContent = value; return span; }

  // Quantile classes with repeated breaks merged, as the exported file's maps (places/stories/svg.py).
  function breaks(values) {
    var sorted = values.filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    var found = [];
    for (var q = 1; q < 5 && sorted.length; q++) {
      var cut = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length / 5))];
      if (found.indexOf(cut) < 0) { found.push(cut); }
    }
    return found;
  }

  function rateColour(value, cuts) {
    if (value === null || value === undefined) { return WITHHELD; }
    for (var i = 0; i < cuts.length; i++) { if (value <= cuts[i]) { return RATE_COLOURS[i]; } }
    return RATE_COLOURS[cuts.length];
  }

  function legendItem(colour, label, kind) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch" + (kind ? " swatch--" + kind : "");
    // Colours are set through the DOM, not a style attribute, so the page's CSP needs no 'unsafe-inline'.
    if (kind === "outline") { swatch.style.borderColor = colour; } else { swatch.style.background = colour; }
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(label));
    legend.appendChild(item);
  }

  // Three significant figures: small rates (0.596 per 1,000) stay distinct rather than all reading "0".
  function round(value) { return String(Number(value.toPrecision(3))); }

  function drawFigures(kind, data) {
    if (figures) { map.removeLayer(figures); figures = null; }
    var cuts = kind === "rates" ? breaks(data.features.map(function (f) { return f.properties.rate_per_1000; })) : [];
    figures = L.geoJSON(data, {
      style: function (f) {
        var fill = kind === "rates" ? rateColour(f.properties.rate_per_1000, cuts) : (HOTSPOT_COLOURS[f.properties["class"]] || WITHHELD);
        return { color: "#505a5f", weight: 0.5, fillOpacity: 0.8, fillColor: fill };
      },
      onEachFeature: function (f, layer) {
        unfocusable(layer);
        layer.bindTooltip(function () {
          var p = f.properties, name = p.name || p.code;
          if (kind === "rates") { return text(name + ": " + (p.rate_per_1000 === null ? "withheld" : p.rate_per_1000 + " per 1,000")); }
          return text(name + ": " + p["class"]);
        });
      }
    }).addTo(map);
    figures.bringToBack();
    // The chapter's areas as a list of links beside the map, for keyboard and screen reader users (map-areas.js).
    if (typeof vrpAreaList === "function") {
      vrpAreaList(areas, figures, {
        title: "Areas on this chapter's map, as a list",
        describe: function (p) {
          var code = p.code || p.lsoa;
          var name = p.name ? p.name + " (" + code + ")" : code;
          if (kind === "rates") { return name + ": " + (p.rate_per_1000 === null || p.rate_per_1000 === undefined ? "withheld" : p.rate_per_1000 + " per 1,000"); }
          return name + ": " + p["class"];
        },
        href: function (p) {
          var code = p.code || p.lsoa;
          return profileUrl && code ? profileUrl + "?area=" + encodeURIComponent(code) : null;
        }
      });
    }
    if (kind === "rates") {
      var lower = 0;
      cuts.concat([null]).forEach(function (cut, i) {
        legendItem(RATE_COLOURS[i], (cut === null ? "over " + round(lower) : round(lower) + " to " + round(cut)) + " per 1,000");
        lower = cut;
      });
      if (data.features.some(function (f) { return f.properties.rate_per_1000 === null; })) { legendItem(WITHHELD, "withheld"); }
    } else {
      Object.keys(HOTSPOT_COLOURS).forEach(function (name) { legendItem(HOTSPOT_COLOURS[name], name); });
    }
  }

  function drawOverlays(number) {
    overlay.forEach(function (layer) { map.removeLayer(layer); });
    overlay = [];
    if (!overlays) { return; }
    function of(kinds) {
      return { type: "FeatureCollection", features: overlays.features.filter(function (f) {
        return kinds.indexOf(f.properties.kind) >= 0 && (f.properties.kind === "outline" || f.properties.chapters.indexOf(number) >= 0);
      }) };
    }
    // The region's local authorities, for orientation (there is no basemap): lines only, not interactive.
    overlay.push(L.geoJSON(of(["outline"]), { interactive: false, style: { color: "#505a5f", weight: 1, fill: false } }).addTo(map));
    var marks = of(["highlight", "route"]);
    overlay.push(L.geoJSON(marks, {
      style: function (f) {
        return f.properties.kind === "route" ? { color: "#d53880", weight: 5, opacity: 1 } : { color: "#0b0c0c", weight: 3, fill: false };
      },
      onEachFeature: function (f, layer) { unfocusable(layer); layer.bindTooltip(function () { return text(f.properties.name); }); }
    }).addTo(map));
    var kinds = marks.features.map(function (f) { return f.properties.kind; });
    if (kinds.indexOf("highlight") >= 0) { legendItem("#0b0c0c", "outlined area", "outline"); }
    if (kinds.indexOf("route") >= 0) { legendItem("#d53880", "Step Together route", "line"); }
  }

  function show(chapter) {
    if (chapter === active) { return; }
    active = chapter;
    var number = parseInt(chapter.getAttribute("data-chapter"), 10);
    chapters.forEach(function (c) { c.classList.toggle("story__chapter--active", c === chapter); });
    element.setAttribute("data-active-chapter", String(number));
    // The legend belongs to the chapter shown: cleared now, drawn again when the chapter's layer arrives.
    while (legend.firstChild) { legend.removeChild(legend.firstChild); }
    status.textContent = "The map shows chapter " + number + ": " + chapter.getAttribute("data-title") + ".";
    var extent = chapter.getAttribute("data-extent").split(",").map(parseFloat);
    fitting = number;
    if (extent.length === 4 && extent.every(function (v) { return !isNaN(v); })) {
      map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], { padding: [20, 20], animate: !still });
    }
    var url = chapter.getAttribute("data-layer-url"), kind = chapter.getAttribute("data-layer");
    var pending = url ? getJSON(url) : Promise.resolve(null);
    pending.then(function (result) {
      if (active !== chapter) { return; }
      while (legend.firstChild) { legend.removeChild(legend.firstChild); }
      if (result && result.ok) {
        drawFigures(kind, result.body);
      } else {
        if (figures) { map.removeLayer(figures); figures = null; }
        if (typeof vrpAreaList === "function") { vrpAreaList(areas, null, {}); }
        if (result) {
          var errors = (result.body && result.body.errors) || {};
          var reasons = Object.keys(errors).map(function (k) { return [].concat(errors[k]).join(" "); }).join(" ");
          status.textContent += " Its figures are not shown to you: " + (reasons || "they are not published for you") + ".";
        }
      }
      drawOverlays(number);
    });
  }

  map.on("moveend", function () {
    var centre = map.getCenter();
    element.setAttribute("data-centre", centre.lat.toFixed(5) + "," + centre.lng.toFixed(5));
    element.setAttribute("data-zoom", String(map.getZoom()));
    // Which chapter's view the map has come to rest on (for readers' tools and tests).
    if (fitting !== null) { element.setAttribute("data-fitted-chapter", String(fitting)); }
  });

  getJSON(element.getAttribute("data-overlays-url")).then(function (result) {
    overlays = result.ok ? result.body : null;
    if (active) { drawOverlays(parseInt(active.getAttribute("data-chapter"), 10)); }
  });

  // The chapter crossing the middle of the window is the one being read.
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) { if (entry.isIntersecting) { show(entry.target); } });
  }, { rootMargin: "-50% 0px -49% 0px" });
  chapters.forEach(function (chapter) {
    observer.observe(chapter);
    // Keyboard readers move through the links of a chapter: the map follows them too.
    chapter.addEventListener("focusin", function () { show(chapter); });
  });
  show(chapters[0]);
})();
