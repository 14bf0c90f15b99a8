// The composer's template picker: choosing a template puts its text (already filled in for
// this CASE by the server) into the reply; a reply already written is asked about first.
(function () {
  "use strict";
  var data = document.getElementById("reply-templates");
  var picker = document.querySelector(".reply-template");
  if (!data || !picker) return;
  var texts = {};
  JSON.parse(data.textContent).forEach(function (t) { texts[String(t.id)] = t.text; });
  picker.addEventListener("change", function () {
    var target = document.getElementById(picker.dataset.target);
    var text = texts[picker.value];
    if (!target || text === undefined) return;
    if (target.value.trim() && target.value !== picker.dataset.last &&
        !window.confirm(picker.dataset.replace || "Replace the text written so far?")) return;
    target.value = text;
    picker.dataset.last = text;
    target.focus();
  });
})();
