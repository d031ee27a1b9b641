// newsdesk: keyboard shortcuts, times in the reader's time zone, and no broken frame where a lead image is gone.
// Every page works without this file.
(function () {
  "use strict";
  var current = -1;

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-story]"));
  }

  function select(index) {
    var list = items();
    if (!list.length) return;
    index = Math.max(0, Math.min(list.length - 1, index));
    list.forEach(function (el) { el.classList.remove("selected"); });
    var el = list[index];
    el.classList.add("selected");
    el.scrollIntoView({block: "nearest"});
    var link = el.querySelector("a.story-link");
    if (link) link.focus({preventScroll: true});
    current = index;
  }

  function help(show) {
    var box = document.getElementById("help");
    if (!box) return;
    box.hidden = show === undefined ? !box.hidden : !show;
    if (!box.hidden) document.getElementById("help-close").focus();
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") { help(false); if (typing(event.target)) event.target.blur(); return; }
    if (typing(event.target)) return;
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current < 0 ? 0 : current - 1); break;
      case "o": {
        if (current < 0) return;
        var link = items()[current].querySelector("a.story-link");
        if (!link) return;
        window.location.href = link.href;
        break;
      }
      case "/": {
        var q = document.getElementById("q");
        if (q) { q.focus(); q.select(); }
        break;
      }
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });

  // An image the desk could not fetch (the outlet removed it, its server is down) takes its frame with it.
  function dropFrame(img) {
    var frame = img.closest(".thumb, figure.lead");
    if (frame) frame.hidden = true;
  }

  document.addEventListener("error", function (event) {
    if (event.target && event.target.tagName === "IMG") dropFrame(event.target);
  }, true);

  // The page gives each absolute time in UTC ("7 Dec, 08:12 UTC"); the reader's own zone reads better.
  function localTimes() {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var clock = {day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short"};
    var thisYear = new Intl.DateTimeFormat(undefined, clock);
    clock.year = "numeric";
    var anyYear = new Intl.DateTimeFormat(undefined, clock);
    var now = new Date().getFullYear();
    Array.prototype.forEach.call(document.querySelectorAll("time[datetime] > .abs"), function (span) {
      var moment = new Date(span.parentNode.getAttribute("datetime"));
      if (isNaN(moment.getTime())) return;
      span.textContent = "· " + (moment.getFullYear() === now ? thisYear : anyYear).format(moment);
      span.parentNode.title = anyYear.format(moment);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    // those that failed before this script ran
    Array.prototype.forEach.call(document.querySelectorAll(".thumb img, figure.lead img"), function (img) {
      if (img.complete && img.naturalWidth === 0) dropFrame(img);
    });
    var close = document.getElementById("help-close");
    if (close) close.addEventListener("click", function () { help(false); });
    var box = document.getElementById("help");
    if (box) box.addEventListener("click", function (event) { if (event.target === box) help(false); });
    // filters apply as soon as they change
    Array.prototype.forEach.call(document.querySelectorAll("form.filters select"), function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  });
})();
