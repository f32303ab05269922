/* Live "I" statement hints: as a partner types in a field marked
 * data-blame-hints, ask the portal (/exercises/hints/, which uses
 * exercises/hints.py, so the rules live in one place) and show the hint in
 * the field's aria-live region. Advice only: nothing here blocks a submit,
 * and the page shows the same hints on Submit without this script. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-hints-url]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-hints-url");
  // The words around a hint, in the page's language (the template renders them).
  var title = form.getAttribute("data-hint-title") || "";
  var about = form.getAttribute("data-hint-about") || "{phrase}";
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");

  function show(region, hints) {
    region.textContent = "";
    hints.forEach(function (hint) {
      var box = document.createElement("div");
      box.className = "hint";
      var head = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = title;
      head.appendChild(strong);
      head.appendChild(document.createTextNode(" " + about.split("{phrase}").join(hint.phrase)));
      var body = document.createElement("p");
      body.textContent = hint.message;
      box.appendChild(head);
      box.appendChild(body);
      region.appendChild(box);
    });
  }

  function ask(field, region) {
    var data = new URLSearchParams();
    data.append("text", field.value);
    if (token) { data.append("csrfmiddlewaretoken", token.value); }
    var sent = field.value;
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { hints: [] }; })
      .then(function (result) { if (field.value === sent) { show(region, result.hints || []); } })
      .catch(function () { /* advice only: stay quiet if the network is down */ });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-blame-hints]"), function (field) {
    var region = document.getElementById(field.id + "_livehint");
    if (!region) { return; }
    var timer = null;
    field.addEventListener("input", function () {
      // The hints shown after Submit described the old words: the live ones take over.
      Array.prototype.forEach.call(document.querySelectorAll(".server-hints[data-for='" + field.id + "']"),
        function (old) { old.hidden = true; });
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { ask(field, region); }, 400);
    });
  });
})();
