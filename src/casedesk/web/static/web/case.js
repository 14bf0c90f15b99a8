/* The CASE page and the new-CASE form: live SLA countdowns and the caller lookup.
   Progressive enhancement only: every page works without this script. */
(function () {
  "use strict";

  // --- countdowns: <span class="countdown" data-due="ISO">, ticking every second ---------
  // The same words and arithmetic as the server's countdown_text (templatetags/console.py):
  // its phrases come with the page (#countdown-formats), so a tick never changes the text
  // the server wrote, only moves it on.
  var formatsEl = document.getElementById("countdown-formats");
  var formats = formatsEl ? JSON.parse(formatsEl.textContent) : null;
  function fill(phrase, values) {
    return phrase.replace(/%\((\w+)\)[ds]/g, function (all, name) { return String(values[name]); });
  }
  function text(seconds) {
    var overdue = seconds <= 0;
    var minutes = overdue ? Math.max(1, Math.floor(-seconds / 60)) : Math.ceil(seconds / 60);
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    var days = Math.floor(hours / 24);
    hours = hours % 24;
    var values = { days: days, hours: hours, minutes: minutes };
    var span;
    if (days) { span = fill(formats[hours ? "dh" : "d"], values); }
    else if (hours) { span = fill(formats[minutes ? "hm" : "h"], values); }
    else { span = fill(formats.m, values); }
    return fill(formats[overdue ? "overdue" : "left"], { time: span });
  }
  var page = document.getElementById("case");
  var clocks = document.querySelectorAll(".countdown[data-due]");
  if (page && clocks.length && formats) {
    // The server's clock decides (it may differ from this device's): keep the offset.
    var serverNow = Date.parse(page.getAttribute("data-now"));
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var tick = function () {
      var now = Date.now() + skew;
      for (var i = 0; i < clocks.length; i++) {
        var el = clocks[i];
        var left = (Date.parse(el.getAttribute("data-due")) - now) / 1000;
        var overdue = left <= 0;
        el.textContent = text(left);
        el.classList.toggle("overdue", overdue);
        var row = el.closest(".deadline");
        if (row && overdue) { row.classList.remove("deadline-running"); row.classList.add("deadline-overdue"); }
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // --- a link to one action (…/#phoned after assigning) opens its form ---------------------
  function openFromHash() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView({ block: "center" }); }
  }
  openFromHash();
  window.addEventListener("hashchange", openFromHash);

  // --- the caller lookup of the new-CASE form ----------------------------------------------
  var q = document.getElementById("lookup-q");
  var results = document.getElementById("lookup-results");
  var form = document.getElementById("case-new-form");
  if (!q || !results || !form) { return; }
  var url = q.getAttribute("data-lookup-url");
  var emptyText = (document.getElementById("lookup-empty") || {}).textContent || "";
  var timer = null;
  var seq = 0;

  function clear(el) { while (el.firstChild) { el.removeChild(el.firstChild); } }

  function show(contacts) {
    clear(results);
    if (!contacts.length) {
      var li = document.createElement("li");
      li.className = "muted";
      li.textContent = emptyText;
      results.appendChild(li);
      return;
    }
    contacts.forEach(function (c) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "pick";
      b.setAttribute("data-contact", c.id);
      var strong = document.createElement("strong");
      strong.textContent = c.name;
      var muted = document.createElement("span");
      muted.className = "muted";
      muted.textContent = " " + c.phone + " " + c.email;
      b.appendChild(strong);
      b.appendChild(document.createTextNode(" · " + c.organization.name));
      b.appendChild(muted);
      li.appendChild(b);
      results.appendChild(li);
    });
  }

  function search() {
    var term = q.value.trim();
    var mine = ++seq;
    if (!term) { clear(results); return; }
    fetch(url + "?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { contacts: [] }; })
      .then(function (data) { if (mine === seq) { show(data.contacts || []); } })
      .catch(function () { /* the search button still works */ });
  }

  function setField(name, value) {
    var input = form.elements[name];
    if (input) { input.value = value || ""; }
  }

  function pick(id) {
    fetch(url + "?contact=" + encodeURIComponent(id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.contact) { return; }
        var c = data.contact;
        setField("contact", c.id);
        var d = c.defaults || {};
        ["contract_id", "hardware_platform", "software_version", "serial_number"].forEach(function (k) { setField(k, d[k]); });
        var card = document.getElementById("chosen-contact");
        var values = { name: c.name, organization: c.organization.name, service_level: c.organization.service_level, phone: c.phone, email: c.email };
        Object.keys(values).forEach(function (k) {
          var el = card.querySelector('[data-field="' + k + '"]');
          if (el) { el.textContent = values[k] || ""; }
        });
        card.hidden = false;
        // The entitlement hint: the caller's organization's when no serial number is given.
        var entitlement = document.getElementById("entitlement-hint");
        if (entitlement) {
          entitlement.setAttribute("data-organization", c.organization.code);
          entitlement.dispatchEvent(new Event("entitlement:organization"));
        }
        var hint = document.getElementById("no-contact");
        if (hint) { hint.hidden = true; }
        clear(results);
        var first = form.querySelector('input[name="priority"]');
        if (first) { first.focus(); }
      })
      .catch(function () { /* the link still works */ });
  }

  q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });
  results.addEventListener("click", function (ev) {
    var target = ev.target.closest("[data-contact]");
    if (!target) { return; }
    ev.preventDefault();
    pick(target.getAttribute("data-contact"));
  });
  document.getElementById("lookup-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search();
  });
})();
