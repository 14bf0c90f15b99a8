/* Articles that may answer the problem being typed (knowledge/_suggest.html), under a
   CASE's title field.  250 ms after the last key, ask the desk for up to 5 articles and list
   them, each opening in a new tab: the words and links are the server's, in the reader's
   language.  Never blocks the form: without this script, or when the desk does not answer,
   the form works the same. */
(function () {
  "use strict";

  document.querySelectorAll(".article-suggest[data-for][data-url]").forEach(function (out) {
    var input = document.getElementById(out.getAttribute("data-for"));
    if (!input) { return; }
    var url = out.getAttribute("data-url");
    var text = out.querySelector(".article-suggest-text");
    var list = out.querySelector(".article-suggest-list");
    var timer = null;
    var seq = 0;
    var asked = null;
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + out.id).trim());

    function show(data) {
      list.textContent = "";
      var articles = (data && data.articles) || [];
      articles.forEach(function (a) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = a.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = a.title;
        li.appendChild(link);
        var facts = [a.product, a.used].filter(Boolean).join(" · ");
        if (facts) {
          var small = document.createElement("span");
          small.className = "muted";
          small.textContent = " " + facts;
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      text.textContent = (data && data.text) || "";
      out.hidden = !articles.length;
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      var mine = ++seq;
      if (!q) { show(null); return; }
      out.setAttribute("aria-busy", "true");
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== seq) { return; }
          out.removeAttribute("aria-busy");
          show(data);
        })
        .catch(function () { if (mine === seq) { out.removeAttribute("aria-busy"); asked = null; show(null); } });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    }
    input.addEventListener("input", later);
    input.addEventListener("change", later);
    if (input.value.trim()) { ask(); }
  });
})();
