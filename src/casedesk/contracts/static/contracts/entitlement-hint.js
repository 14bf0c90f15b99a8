/* The live entitlement hint of the intake forms (contracts/_entitlement_hint.html).
   As the serial number is typed or pasted (250 ms after the last key), ask the desk what
   it is entitled to and show the answer: the words and the state are the server's, in
   the reader's language.  An empty serial asks for the organization's (data-organization,
   which the phone form sets when a caller is picked).  Never blocks the form: without
   this script, or when the desk does not answer, the form works the same. */
(function () {
  "use strict";
  var STATES = ["covered", "warning", "uncovered", "neutral"];

  document.querySelectorAll(".entitlement-hint[data-for][data-url]").forEach(function (out) {
    var input = document.getElementById(out.getAttribute("data-for"));
    if (!input) { return; }
    var url = out.getAttribute("data-url");
    var timer = null;
    var seq = 0;
    var asked = null;
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + out.id).trim());

    function show(text, state) {
      out.textContent = text || "";
      STATES.forEach(function (s) { out.classList.toggle(s, s === state); });
      out.setAttribute("data-state", state || "");
      out.hidden = !text;
    }

    function ask() {
      var serial = input.value.trim();
      var organization = out.getAttribute("data-organization") || "";
      var query = serial ? "serial_number=" + encodeURIComponent(serial)
        : organization ? "organization=" + encodeURIComponent(organization) : "";
      if (query === asked) { return; }
      asked = query;
      var mine = ++seq;
      if (!query) { show("", ""); return; }
      out.setAttribute("aria-busy", "true");
      fetch(url + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== seq) { return; }
          out.removeAttribute("aria-busy");
          if (data.text) { show(data.text, data.state); } else { show(data.detail || "", "warning"); }
        })
        .catch(function () { if (mine === seq) { out.removeAttribute("aria-busy"); asked = null; show("", ""); } });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    }
    input.addEventListener("input", later);
    input.addEventListener("change", later);
    // The phone form names the caller's organization when one is picked.
    out.addEventListener("entitlement:organization", later);
    ask();
  });
})();
