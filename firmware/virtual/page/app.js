// The virtual terminal page: live screen via server-sent frame events,
// clicks and drags as touches, a scanner box.
"use strict";
const img = document.getElementById("screen");
const status = document.getElementById("status");

function refresh(frame) { img.src = "/screen.png?f=" + frame; }
const es = new EventSource("/sim/frames");
es.onmessage = (e) => refresh(e.data);

function toPanel(ev) {
  const r = img.getBoundingClientRect();
  return [Math.round((ev.clientX - r.left) * img.naturalWidth / r.width),
          Math.round((ev.clientY - r.top) * img.naturalHeight / r.height)];
}

let stroke = null;
img.addEventListener("pointerdown", (ev) => { stroke = [toPanel(ev)]; img.setPointerCapture(ev.pointerId); });
img.addEventListener("pointermove", (ev) => { if (stroke && stroke.length < 500) stroke.push(toPanel(ev)); });
img.addEventListener("pointerup", async (ev) => {
  if (!stroke) return;
  const pts = stroke; stroke = null;
  const body = pts.length > 3 ? { points: pts } : { x: pts[0][0], y: pts[0][1] };
  await post("/sim/touch", body);
});

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) status.textContent = j.error || r.statusText;
  return r.ok;
}

document.getElementById("scan").addEventListener("click", async () => {
  const input = document.getElementById("code");
  if (await post("/sim/scan", { code: input.value.trim() })) {
    status.textContent = "scanned";
    input.value = "";
  }
});
document.getElementById("code").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") document.getElementById("scan").click();
});

async function poll() {
  try {
    const s = await (await fetch("/sim/state")).json();
    const el = document.getElementById("scanner");
    el.className = s.scanner_armed ? "armed" : "disarmed";
    if (!status.textContent || status.textContent.startsWith("scanner")) {
      status.textContent = s.scanner_armed ? "scanner armed" : "scanner idle";
    }
  } catch (e) { /* terminal restarting */ }
  setTimeout(poll, 1000);
}
poll();
