// Live parts of the desk: an element with data-live (an event-stream URL) and data-event (the
// event's name) gets the server's HTML fragment each time it changes. When the session ends the
// page goes to the sign-in form. Keyboard focus inside a replaced part is kept (by element id).
// Screen readers hear only the part's one-line summary (data-summary), through the status
// element named by data-announce, not the whole table again.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-live]").forEach(function (region) {
    var source = new EventSource(region.getAttribute("data-live"));
    source.addEventListener(region.getAttribute("data-event"), function (event) {
      if (region.innerHTML === event.data) { return; }
      var focused = document.activeElement;
      var focusedId = focused && region.contains(focused) ? focused.id : "";
      region.innerHTML = event.data;
      if (focusedId) {
        var again = document.getElementById(focusedId);
        if (again) { again.focus(); }
      }
      var status = document.getElementById(region.getAttribute("data-announce") || "");
      var summary = region.querySelector("[data-summary]");
      if (status && summary && status.textContent !== summary.textContent) {
        status.textContent = summary.textContent;
      }
    });
    source.addEventListener("signed_out", function () {
      source.close();
      window.location.assign("/entrar");
    });
    source.addEventListener("gone", function () { source.close(); });
  });
});
