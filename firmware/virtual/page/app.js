// The virtual terminal page: live screen via server-sent frame events,
// clicks and drags as touches, a scanner box.
"use strict";
const img = document.getElementById("screen");
const status = document.getElementById("status");

function refresh(frame) { img.src = "/screen.png?f=" + frame; }
const es = new EventSource("/sim/frames");
es.onmessage = (e) => refresh(e.data);

// toPanel maps a pointer event to a panel pixel. The screen is drawn in
// the image's content box: its bounding box less the border (the bezel)
// and padding. Points on the bezel clamp to the panel's edge.
function toPanel(ev) {
  const r = img.getBoundingClientRect(), cs = getComputedStyle(img);
  const px = (v) => parseFloat(v) || 0;
  const left = r.left + px(cs.borderLeftWidth) + px(cs.paddingLeft);
  const top = r.top + px(cs.borderTopWidth) + px(cs.paddingTop);
  const w = r.right - px(cs.borderRightWidth) - px(cs.paddingRight) - left;
  const h = r.bottom - px(cs.borderBottomWidth) - px(cs.paddingBottom) - top;
  const clamp = (v, n) => Math.min(Math.max(v, 0), n - 1);
  return [clamp(Math.floor((ev.clientX - left) * img.naturalWidth / w), img.naturalWidth),
          clamp(Math.floor((ev.clientY - top) * img.naturalHeight / h), img.naturalHeight)];
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

// The camera section: the chosen picture is put in front of the
// simulated camera (POST /sim/camera, the file as the body).
{
  const photo = document.getElementById("photo");
  const st = document.getElementById("photo-status");
  const show = async (body) => {
    const r = await fetch("/sim/camera", { method: "POST", body });
    const j = await r.json().catch(() => ({}));
    st.textContent = r.ok ? (body ? "camera shows the picture" : "camera shows its test pattern") : (j.error || r.statusText);
  };
  photo.addEventListener("change", () => { if (photo.files[0]) show(photo.files[0]); });
  document.getElementById("photo-clear").addEventListener("click", () => { photo.value = ""; show(null); });
}
