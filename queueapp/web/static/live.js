// Keeps a page's live part current: the server sends the new HTML fragment (server-sent
// events, or a long poll where EventSource is missing) and this only swaps it in.
// It never gives up: a failed connection (the server restarting, the file busy: a 503)
// is tried again after 1, 2, 4, 8 and then every 10 seconds (a guest whose table is
// ready must not wait half a minute for the page to say so), and a page that says its party
// is seated or gone keeps listening, so an undone seat or no-show brings it back.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var FIRST_DELAY = 1000;
  var LONGEST_DELAY = 10000;
  var seq = live.getAttribute("data-seq") || "0";
  var delay = FIRST_DELAY;
  function later(again) {
    setTimeout(again, delay);
    delay = Math.min(delay * 2, LONGEST_DELAY);
  }
  function swap(html, id) {
    live.innerHTML = html;
    if (id) { seq = id; live.setAttribute("data-seq", id); }
    var shown = live.firstElementChild;
    var title = shown && shown.getAttribute("data-title");
    if (title) { document.title = title; }
  }
  function shown() {  // "seated" or "gone" while the page says so, else ""
    var gone = document.getElementById("gone");
    return gone ? gone.getAttribute("data-status") || "gone" : "";
  }
  function poll() {
    var url = live.getAttribute("data-poll") + "&after=" + encodeURIComponent(seq);
    if (shown()) { url += "&shown=" + shown(); }
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.onload = function () {
      if (request.status === 200) {
        swap(request.responseText, request.getResponseHeader("X-Seq"));
      }
      if (request.status === 200 || request.status === 204) {
        delay = FIRST_DELAY;
        poll();
      } else {
        later(poll);
      }
    };
    request.onerror = function () { later(poll); };
    request.send();
  }
  function listen() {
    var source = new EventSource(live.getAttribute("data-events") + "&after=" +
                                 encodeURIComponent(seq));
    function news(event) {
      delay = FIRST_DELAY;
      swap(event.data, event.lastEventId);
    }
    source.addEventListener("update", news);
    source.addEventListener("gone", news);
    source.onopen = function () { delay = FIRST_DELAY; };
    source.onerror = function () {
      // a dropped connection is tried again by the browser itself; an answer that is
      // not a stream (a 503 while the file is busy) closes it for good: open a new one
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        later(listen);
      }
    };
  }
  if (window.EventSource) {
    listen();
  } else {
    poll();
  }
}());
