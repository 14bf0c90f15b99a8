// casedesk console: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Language and other selects marked data-autosubmit submit on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // The nav folds behind a button on narrow screens.
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("nav-links");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // On a phone the list's filters fold away unless some are in use.
  var fold = document.querySelector("details[data-fold-on-phone]");
  if (fold && window.matchMedia("(max-width: 700px)").matches && !fold.hasAttribute("data-active")) {
    fold.removeAttribute("open");
  }
  // Queues refresh themselves while nobody is typing.
  var auto = document.querySelector("[data-autorefresh]");
  if (auto) {
    var seconds = parseInt(auto.getAttribute("data-autorefresh"), 10) || 60;
    setInterval(function () {
      var active = document.activeElement;
      var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
      if (!document.hidden && !typing) { window.location.reload(); }
    }, seconds * 1000);
  }
})();
