// The engineer's visit page: the customer signs on a canvas (signature_pad, vendored);
// the form is posted with fetch, or kept in localStorage while offline and posted when
// the phone is back online.  A service worker keeps the page for offline use.
(function () {
  "use strict";
  const root = document.getElementById("visit");
  if (!root) return;
  const KEY = "casedesk-field-queue";
  const note = document.getElementById("queued");

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: "/visits/" }).catch(() => {});
  }

  const canvas = document.getElementById("pad");
  let pad = null;
  if (canvas && window.SignaturePad) {
    const fit = () => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      if (pad) pad.clear();
    };
    pad = new window.SignaturePad(canvas, { penColor: "#102a43" });
    fit();
    document.getElementById("clear").addEventListener("click", () => pad.clear());
  }

  const queue = () => JSON.parse(localStorage.getItem(KEY) || "[]");
  const save = (items) => localStorage.setItem(KEY, JSON.stringify(items));
  const show = (text) => { note.textContent = text; note.hidden = !text; };

  async function send(item) {
    const body = new URLSearchParams(item.fields);
    const res = await fetch(item.url, {
      method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": item.fields.csrfmiddlewaretoken },
    });
    const data = await res.json().catch(() => ({}));
    return { ok: res.ok, detail: data.detail || "" };
  }

  async function flush() {
    let items = queue();
    while (items.length && navigator.onLine) {
      let result;
      try { result = await send(items[0]); } catch (e) { return; }  // still offline
      items = queue().slice(1);
      save(items);
      if (!result.ok) { show(result.detail); return; }
    }
    if (!items.length && note.textContent === root.dataset.queued) { window.location.reload(); }
  }

  document.querySelectorAll("form.js-queue").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (pad) {
        if (pad.isEmpty()) { show(root.dataset.empty); return; }
        document.getElementById("signature").value = pad.toDataURL("image/png");
      }
      const item = { url: root.dataset.url, fields: Object.fromEntries(new FormData(form)) };
      if (!navigator.onLine) { save(queue().concat([item])); show(root.dataset.queued); return; }
      try {
        const result = await send(item);
        if (result.ok) { window.location.reload(); } else { show(result.detail); }
      } catch (e) {
        save(queue().concat([item]));
        show(root.dataset.queued);
      }
    });
  });
  window.addEventListener("online", flush);
  if (queue().length) { show(root.dataset.queued); flush(); }
})();
