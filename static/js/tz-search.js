// A box above each time-zone select (select[data-zone-search]) that filters
// its options as you type: "chicago", "pacific", "berlin". Without this
// script the select works as it is, grouped by region.
(function () {
  "use strict";
  function attach(select) {
    if (select.dataset.zoneSearchReady) return;
    select.dataset.zoneSearchReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "zone-search";
    box.placeholder = "Type a city or region to narrow the list";
    box.setAttribute("aria-label", "Filter the time zones");
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var firstShown = null;
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var text = (option.textContent + " " + option.value).toLowerCase().replace(/_/g, " ");
          var match = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !match;
          option.disabled = !match && !option.selected;
          if (match) { any = true; if (!firstShown) firstShown = option; }
        });
        group.hidden = !any;
      });
      var current = select.options[select.selectedIndex];
      if (firstShown && (!current || current.hidden)) select.value = firstShown.value;
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-zone-search]"), attach);
})();
