// Quick exit, on every page of a partner in safety mode (templates/base.html):
// the button, or Escape pressed three times within two seconds, leaves for a
// neutral site and replaces this page in the browser's history, so Back does
// not return here. Without this script the button is a plain link there.
(function () {
  "use strict";
  var link = document.querySelector("[data-quick-exit]");
  if (!link) return;
  var target = link.getAttribute("href");

  function leave() {
    document.body.hidden = true; // nothing of the page while the next one loads
    window.location.replace(target);
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    presses = presses.filter(function (at) { return now - at < 2000; });
    presses.push(now);
    if (presses.length >= 3) leave();
  });
})();
