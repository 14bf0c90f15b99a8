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
