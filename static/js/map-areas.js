// The areas on a map as a list of links beside it, so a keyboard (or screen reader) user reaches every area:
// each link reads the area's name and value and opens its profile; moving focus to a link outlines the area on
// the map and opens its tooltip, as hovering does. Used by choropleth.js and story-map.js. Everything from the
// data goes in as text (textContent), never as HTML.
function vrpAreaList(container, geoLayer, options) {
  "use strict";
  if (!container) { return; }
  var wasOpen = container.querySelector("details") ? container.querySelector("details").open : false;
  while (container.firstChild) { container.removeChild(container.firstChild); }
  if (!geoLayer) { return; }
  // Only the focused entry's tooltip is open: any left open (a shape the mouse passed over, an entry whose blur
  // came after the layer was redrawn) closes when focus moves on or leaves the list.
  function closeAll() {
    geoLayer.eachLayer(function (layer) { if (layer.closeTooltip) { layer.closeTooltip(); } });
  }
  var entries = [];
  geoLayer.eachLayer(function (layer) {
    var f = layer.feature;
    if (f && f.properties) { entries.push({ layer: layer, text: options.describe(f.properties), href: options.href(f.properties) }); }
  });
  if (!entries.length) { return; }
  entries.sort(function (a, b) { return a.text.localeCompare(b.text, "en-GB"); });
  var details = document.createElement("details");
  details.className = "govuk-details";
  details.open = wasOpen;
  var summary = document.createElement("summary");
  summary.className = "govuk-details__summary";
  var label = document.createElement("span");
  label.className = "govuk-details__summary-text";
  label.textContent = (options.title || "Areas on the map") + " (" + entries.length + ")";
  summary.appendChild(label);
  details.appendChild(summary);
  var box = document.createElement("div");
  box.className = "govuk-details__text area-list";
  var list = document.createElement("ul");
  list.className = "govuk-list govuk-body-s";
  entries.forEach(function (entry) {
    var item = document.createElement("li");
    var target = entry.href ? document.createElement("a") : document.createElement("span");
    if (entry.href) {
      target.href = entry.href;
      target.className = "govuk-link";
    } else {
      target.tabIndex = 0;
    }
    target.textContent = entry.text;
    target.setAttribute("data-area", entry.layer.feature.properties.code || entry.layer.feature.properties.lsoa || "");
    target.addEventListener("focus", function () {
      closeAll();
      if (entry.layer.setStyle) { entry.layer.setStyle({ weight: 4, color: "#0b0c0c" }); }
      if (entry.layer.bringToFront) { entry.layer.bringToFront(); }
      if (entry.layer.getBounds && entry.layer.openTooltip) { entry.layer.openTooltip(entry.layer.getBounds().getCenter()); }
    });
    target.addEventListener("blur", function () {
      if (geoLayer.resetStyle) { geoLayer.resetStyle(entry.layer); }
      if (entry.layer.closeTooltip) { entry.layer.closeTooltip(); }
    });
    item.appendChild(target);
    list.appendChild(item);
  });
  list.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !list.contains(event.relatedTarget)) { closeAll(); }
  });
  box.appendChild(list);
  details.appendChild(box);
  container.appendChild(details);
}
