// The article page's view beacon: tells the site once that this page load was read
// (readership.views.count_view). The page itself can come from any cache; this request cannot.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  if (!url || !window.crypto || !crypto.getRandomValues) {
    return;
  }
  // One token per page load: the same load sending again (a retry) is counted once.
  var bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  var token = Array.prototype.map.call(bytes, function (b) {
    return (b < 16 ? "0" : "") + b.toString(16);
  }).join("");
  var sent = false;
  function send() {
    if (sent) {
      return;
    }
    sent = true;
    var address = url + "?t=" + token;
    if (navigator.sendBeacon) {
      navigator.sendBeacon(address);
    } else {
      fetch(address, { method: "POST", keepalive: true, credentials: "omit" });
    }
  }
  // A page the browser prerenders ahead of a click counts when (and if) it is shown.
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
