// Weekly hours as rows of time pickers (templates/scheduling/counselor_schedule.html).
// Without this file each day offers one empty row and a row is removed by
// clearing its times; with it, "Add an interval" adds a row in place and
// "Remove" takes one away. Field names are d<weekday>_<row>_start/_end: the
// server reads whichever rows are posted.
(function () {
  "use strict";

  function nextRowNumber(fieldset) {
    var highest = -1;
    fieldset.querySelectorAll(".hours-row").forEach(function (row) {
      highest = Math.max(highest, parseInt(row.getAttribute("data-row"), 10));
    });
    return highest + 1;
  }

  function renumberLabels(fieldset) {
    var legend = fieldset.querySelector("legend").textContent;
    // The words come translated from the page ("{day}, interval {number}:").
    var pattern = fieldset.closest(".hours-form").getAttribute("data-interval-label");
    fieldset.querySelectorAll(".hours-row").forEach(function (row, index) {
      row.querySelectorAll(".visually-hidden").forEach(function (hidden) {
        hidden.textContent = pattern.replace("{day}", legend).replace("{number}", String(index + 1)) + " ";
      });
    });
  }

  function wireRemove(row) {
    var remove = row.querySelector(".remove-row");
    remove.hidden = false;
    remove.addEventListener("click", function () {
      var fieldset = row.closest(".hours-day");
      var rows = fieldset.querySelectorAll(".hours-row");
      if (rows.length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      }
      renumberLabels(fieldset);
      fieldset.querySelector(".add-row").focus();
    });
  }

  function addRow(fieldset) {
    var rows = fieldset.querySelectorAll(".hours-row");
    var model = rows[rows.length - 1];
    var day = fieldset.getAttribute("data-day");
    var number = nextRowNumber(fieldset);
    var row = model.cloneNode(true);
    row.setAttribute("data-row", String(number));
    row.classList.remove("has-error");
    row.querySelectorAll("input").forEach(function (input) {
      var part = input.name.endsWith("_start") ? "start" : "end";
      input.name = "d" + day + "_" + number + "_" + part;
      input.id = "id_" + input.name;
      input.value = "";
    });
    row.querySelectorAll("label").forEach(function (label, index) {
      label.htmlFor = row.querySelectorAll("input")[index].id;
    });
    model.after(row);
    wireRemove(row);
    renumberLabels(fieldset);
    row.querySelector("input").focus();
  }

  document.querySelectorAll(".hours-form .hours-day").forEach(function (fieldset) {
    fieldset.querySelectorAll(".hours-row").forEach(wireRemove);
    var add = fieldset.querySelector(".add-row");
    add.hidden = false;
    add.addEventListener("click", function () { addRow(fieldset); });
  });
})();
