// Keeps a page's live part current: the server sends the new HTML fragment (server-sent
// events, or a long poll where EventSource is missing) and this only swaps it in.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var seq = live.getAttribute("data-seq") || "0";
  function swap(html, id) {
    live.innerHTML = html;
    if (id) { seq = id; live.setAttribute("data-seq", id); }
  }
  function poll() {
    var url = live.getAttribute("data-poll");
    var request = new XMLHttpRequest();
    request.open("GET", url + "&after=" + encodeURIComponent(seq));
    request.onload = function () {
      if (request.status === 200) {
        swap(request.responseText, request.getResponseHeader("X-Seq"));
        if (request.getResponseHeader("X-Kind") === "gone") { return; }
      }
      if (request.status === 404) { return; }
      setTimeout(poll, request.status === 200 || request.status === 204 ? 0 : 3000);
    };
    request.onerror = function () { setTimeout(poll, 3000); };
    request.send();
  }
  if (window.EventSource) {
    var source = new EventSource(live.getAttribute("data-events") + "&after=" +
                                 encodeURIComponent(seq));
    source.addEventListener("update", function (event) { swap(event.data, event.lastEventId); });
    source.addEventListener("gone", function (event) {
      swap(event.data, event.lastEventId);
      source.close();
    });
  } else {
    poll();
  }
}());
