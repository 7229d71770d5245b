// htmx must not write inline styles, which the Content-Security-Policy refuses: no indicator stylesheet
// (vrp.css styles the indicator) and no settling of "style" attributes (Leaflet sets map styles via the DOM).
htmx.config.includeIndicatorStyles = false;
htmx.config.attributesToSettle = ["class", "width", "height"];
