// 客户之家: list the files chosen for upload and flag those the desk will refuse, before
// they are sent.  The server checks again; without JavaScript the form works the same.
(function () {
  "use strict";
  function format(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var field = input.closest(".field");
    var list = field && field.querySelector(".file-list");
    if (!list) return;
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var allowed = (input.getAttribute("accept") || "").toLowerCase().split(",");
    input.addEventListener("change", function () {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var li = document.createElement("li");
        var dot = file.name.lastIndexOf(".");
        var ext = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
        var problem = "";
        if (allowed.indexOf(ext) < 0) problem = list.getAttribute("data-bad-type");
        else if (file.size > max) problem = list.getAttribute("data-too-big");
        li.textContent = file.name + " (" + format(file.size) + ")" + (problem ? " — " + problem : "");
        if (problem) li.className = "bad";
        list.appendChild(li);
      });
    });
  });
})();
