/* The field builder on the exercise edit page, made handier: "Add a question"
 * copies the blank pattern, "Move up/down" reorders (renumbering the order
 * inputs), and each question shows only the settings its kind takes. Without
 * this script the page still works: a few blank blocks, order numbers, and
 * every setting shown (those a kind does not take are ignored). */
(function () {
  "use strict";
  var builder = document.querySelector("[data-builder]");
  if (!builder) { return; }
  var prefix = builder.getAttribute("data-prefix");
  var rows = builder.querySelector("[data-rows]");
  var pattern = builder.querySelector("template[data-empty-row]");
  var total = builder.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var maximum = builder.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
  var addButton = builder.querySelector("[data-add-row]");

  function allRows() { return Array.prototype.slice.call(rows.querySelectorAll("[data-row]")); }

  function showKindExtras(row) {
    var kind = row.querySelector("select[name$='-kind']");
    if (!kind) { return; }
    Array.prototype.forEach.call(row.querySelectorAll(".builder-extra"), function (extra) {
      extra.hidden = extra.getAttribute("data-kinds").split(" ").indexOf(kind.value) === -1;
    });
  }

  function renumber() {
    allRows().forEach(function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = index + 1; }
      var number = row.querySelector("[data-number]");
      if (number) { number.textContent = index + 1; }
    });
  }

  function wire(row) {
    showKindExtras(row);
    var kind = row.querySelector("select[name$='-kind']");
    if (kind) { kind.addEventListener("change", function () { showKindExtras(row); }); }
    Array.prototype.forEach.call(row.querySelectorAll("[data-move]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (button.getAttribute("data-move") === "up" && row.previousElementSibling) {
          rows.insertBefore(row, row.previousElementSibling);
        } else if (button.getAttribute("data-move") === "down" && row.nextElementSibling) {
          rows.insertBefore(row.nextElementSibling, row);
        }
        renumber();
        button.focus();
      });
    });
  }

  allRows().forEach(wire);

  if (pattern && total && addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) { return; }
      var html = pattern.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.querySelector("[data-row]");
      rows.appendChild(row);
      total.value = index + 1;
      wire(row);
      renumber();
      var first = row.querySelector("input[name$='-label']");
      if (first) { first.focus(); }
    });
  }
})();
