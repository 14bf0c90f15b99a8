// The engineer's visit page: the customer signs on a canvas (signature_pad, vendored);
// the form is posted with fetch, or kept in localStorage while offline and posted when
// the phone is back online.  A service worker keeps the page for offline use.
//
// Offline, a check-in is kept with the time it was tapped and the check-out form opens at
// once; the signed check-out is kept too, with its time.  Back online the steps go in order.
// What the desk refuses (a 4xx with its reason: the visit was cancelled meanwhile…) is
// dropped, never tried again, and said on the page with what was entered; what it does not
// answer (no network, a server error, a lost session) stays kept and is tried again.
(function () {
  "use strict";
  const root = document.getElementById("visit");
  if (!root) return;
  const KEY = "casedesk-field-queue";
  const REFUSED = "casedesk-field-refused";
  const url = root.dataset.url;
  const note = document.getElementById("queued");
  const refusedBox = document.getElementById("refused");
  const checkIn = document.getElementById("check-in");
  const checkOut = document.getElementById("check-out");
  const STEPS = { check_in: root.dataset.stepIn, check_out: root.dataset.stepOut };

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(root.dataset.sw, { scope: "/visits/" })
      .then(() => navigator.serviceWorker.ready)
      .then(() => {  // the page the worker did not see being loaded: keep it for offline use
        if (navigator.onLine && window.caches) {
          return caches.open(root.dataset.cache).then((c) => c.add(url));
        }
        return null;
      })
      .catch((e) => console.warn("casedesk field: not kept for offline use", e));
  }

  const canvas = document.getElementById("pad");
  let pad = null;
  const fit = () => {
    if (!canvas || !canvas.offsetWidth) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    if (pad) pad.clear();
  };
  if (canvas && window.SignaturePad) {
    pad = new window.SignaturePad(canvas, { penColor: "#102a43" });
    fit();
    document.getElementById("clear").addEventListener("click", () => pad.clear());
  }

  const read = (key) => { try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; } };
  const queue = () => read(KEY);
  const save = (items) => localStorage.setItem(KEY, JSON.stringify(items));
  const show = (text) => { note.textContent = text; note.hidden = !text; };

  // What this phone keeps for this visit shows as if done: the check-out form after a
  // kept check-in, neither form after a kept check-out.
  function showKept() {
    const steps = queue().filter((item) => item.url === url).map((item) => item.fields.step);
    if (!steps.length) return;
    show(root.dataset.queued);
    if (steps.includes("check_in") && checkIn) {
      checkIn.hidden = true;
      document.getElementById("status").textContent = root.dataset.onSite;
      if (checkOut && checkOut.hidden) { checkOut.hidden = false; fit(); }
    }
    if (steps.includes("check_out")) {
      if (checkIn) checkIn.hidden = true;
      if (checkOut) checkOut.hidden = true;
    }
  }

  // The refusals of this visit's kept steps, said once (they were dropped from the queue).
  function showRefused() {
    const all = read(REFUSED);
    const mine = all.filter((r) => r.url === url);
    if (!mine.length) return;
    localStorage.setItem(REFUSED, JSON.stringify(all.filter((r) => r.url !== url)));
    refusedBox.replaceChildren();
    mine.forEach((r) => {
      const p = document.createElement("p");
      p.className = "refusal";
      p.textContent = `${root.dataset.refused} ${STEPS[r.step] || r.step}: ${r.detail}`;
      refusedBox.appendChild(p);
      if (r.work_done) {
        const kept = document.createElement("p");
        kept.className = "kept-text";
        kept.textContent = `${root.dataset.workDone}: ${r.work_done}`;
        refusedBox.appendChild(kept);
      }
    });
    refusedBox.hidden = false;
  }

  // "sent" (done), "refused" (the desk said no, with its reason) or "waiting" (no answer
  // worth the name: keep it); throws when there is no network.
  async function send(item) {
    const body = new URLSearchParams(item.fields);
    const res = await fetch(item.url, {
      method: "POST", body, credentials: "same-origin", redirect: "manual",
      headers: { Accept: "application/json", "X-CSRFToken": item.fields.csrfmiddlewaretoken },
    });
    const data = await res.json().catch(() => null);
    if (res.ok && data && data.ok) return { state: "sent" };
    if (res.status >= 400 && res.status < 500 && data && data.detail) {
      return { state: "refused", detail: data.detail };
    }
    return { state: "waiting" };
  }

  let flushing = false;
  async function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    let answered = false;
    try {
      while (queue().length && navigator.onLine) {
        const item = queue()[0];
        let result;
        try { result = await send(item); } catch (e) { return; }  // still offline
        if (result.state === "waiting") { show(root.dataset.waiting); return; }
        answered = true;
        save(queue().slice(1));
        if (result.state === "refused") {
          const refusal = { url: item.url, step: item.fields.step, detail: result.detail,
                            work_done: item.fields.work_done || "" };
          localStorage.setItem(REFUSED, JSON.stringify(read(REFUSED).concat([refusal])));
        }
      }
    } finally {
      flushing = false;
    }
    if (answered) window.location.reload();  // the visit as the desk has it now
  }

  function keep(item) {
    save(queue().concat([item]));
    showKept();
  }

  document.querySelectorAll("form.js-queue").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form === checkOut && pad) {
        if (pad.isEmpty()) { show(root.dataset.empty); return; }
        document.getElementById("signature").value = pad.toDataURL("image/png");
      }
      const fields = Object.fromEntries(new FormData(form));
      fields.at = new Date().toISOString();  // when it happened, however late it is sent
      const item = { url, fields };
      // Behind a kept step, or offline: kept, in order.
      if (!navigator.onLine || queue().length) { keep(item); flush(); return; }
      let result;
      try { result = await send(item); } catch (e) { keep(item); return; }
      if (result.state === "sent") { window.location.reload(); }
      else if (result.state === "refused") {
        refusedBox.textContent = result.detail;
        refusedBox.hidden = false;
      }
      else { keep(item); show(root.dataset.waiting); }
    });
  });
  window.addEventListener("online", flush);
  showRefused();
  showKept();
  if (queue().length) flush();
})();
