// A thread page shows new messages without a reload: it asks the server
// every few seconds for the messages after the last one shown (an HTML
// fragment rendered by the server, so no message is ever built from
// strings here). On a flaky network it waits longer between tries; without
// JavaScript the page keeps its plain "Check for new messages" link. What it
// says comes translated from the page (data-text-new, data-text-offline on
// the status line): no words of its own.
(function () {
  "use strict";
  var list = document.querySelector("[data-live-messages]");
  if (!list || !window.fetch) return;
  var url = list.getAttribute("data-live-url");
  var status = document.querySelector("[data-live-status]");
  var reload = document.querySelector("[data-live-reload]");
  var textNew = status ? status.getAttribute("data-text-new") || "" : "";
  var textOffline = status ? status.getAttribute("data-text-offline") || "" : "";
  var base = 5000;
  var wait = base;
  var longest = 60000;
  if (reload) reload.hidden = true;

  function lastId() {
    var items = list.querySelectorAll("[data-message-id]");
    return items.length ? items[items.length - 1].getAttribute("data-message-id") : "0";
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  function poll() {
    if (document.hidden) {
      setTimeout(poll, wait);
      return;
    }
    fetch(url + "?after=" + encodeURIComponent(lastId()), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      cache: "no-store"
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.text();
      })
      .then(function (html) {
        wait = base;
        say("");
        if (html.trim()) {
          var holder = document.createElement("template");
          holder.innerHTML = html;
          list.appendChild(holder.content);
          say(textNew);
        }
      })
      .catch(function () {
        wait = Math.min(wait * 2, longest);
        say(textOffline);
        if (reload) reload.hidden = false;
      })
      .then(function () {
        setTimeout(poll, wait);
      });
  }
  setTimeout(poll, wait);
})();
