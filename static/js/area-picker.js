// The area picker: typing two or more letters of a name, a code or a postcode lists matching areas (from
// /insights/areas.json); choosing one fills the box with "Name (CODE)", which the form reads back as the code.
// Without JavaScript the box still accepts a name, a code or a postcode. Names go in as text, never HTML.
function vrpAreaPicker() {
  "use strict";
  Array.prototype.slice.call(document.querySelectorAll("input.area-picker:not([data-ready])")).forEach(function (input) {
    input.setAttribute("data-ready", "1");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var url = input.getAttribute("data-search-url");
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(option) {
      input.value = option.getAttribute("data-value");
      close();
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(options, function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    function suggest() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      var ticket = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (ticket !== asked) { return; }
          while (list.firstChild) { list.removeChild(list.firstChild); }
          data.areas.forEach(function (area, i) {
            var option = document.createElement("li");
            option.id = "area-option-" + i;
            option.setAttribute("role", "option");
            option.setAttribute("aria-selected", "false");
            option.setAttribute("data-value", area.name ? area.name + " (" + area.code + ")" : area.code);
            option.setAttribute("data-code", area.code);
            option.textContent = area.label;
            option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(option); });
            list.appendChild(option);
          });
          if (!data.areas.length) {
            var none = document.createElement("li");
            none.className = "area-suggestions__none";
            none.textContent = "No area matches; try the first letters of its name, its code or a postcode.";
            list.appendChild(none);
          }
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          active = -1;
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll("[role=option]")[active]);
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  });
}
vrpAreaPicker();
document.body.addEventListener("htmx:afterSettle", vrpAreaPicker);
