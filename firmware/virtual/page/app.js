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

// The camera: the browser's webcam streams JPEG frames to the terminal's
// simulated camera about ten times a second; or a picture is put in
// front of it (optionally swaying a little, as a person does).
const camStatus = document.getElementById("camstatus");
const video = document.getElementById("webcam");
const cam = { stream: null, timer: null, busy: false };
window.camFramesSent = 0;

async function webcamOn() {
  try {
    cam.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (e) {
    camStatus.textContent = "camera: no webcam (" + e.name + ")";
    return;
  }
  video.srcObject = cam.stream;
  await video.play().catch(() => {});
  const c = document.createElement("canvas");
  c.width = 640; c.height = 480;
  const g = c.getContext("2d");
  cam.timer = setInterval(() => {
    if (cam.busy || video.readyState < 2) return;
    cam.busy = true;
    g.drawImage(video, 0, 0, c.width, c.height);
    c.toBlob(async (b) => {
      try {
        const r = await fetch("/sim/camera/frame", { method: "POST", headers: { "Content-Type": "image/jpeg" }, body: b });
        if (r.ok) window.camFramesSent++;
      } catch (e) { /* terminal restarting */ }
      cam.busy = false;
    }, "image/jpeg", 0.85);
  }, 100);
  document.getElementById("webcam-on").disabled = true;
  document.getElementById("webcam-off").disabled = false;
  camStatus.textContent = "camera: webcam";
}

function webcamOff() {
  clearInterval(cam.timer);
  if (cam.stream) cam.stream.getTracks().forEach((t) => t.stop());
  cam.stream = null;
  video.srcObject = null;
  document.getElementById("webcam-on").disabled = false;
  document.getElementById("webcam-off").disabled = true;
  camStatus.textContent = "camera: test pattern";
}

document.getElementById("webcam-on").addEventListener("click", webcamOn);
document.getElementById("webcam-off").addEventListener("click", webcamOff);
document.getElementById("picture").addEventListener("change", async (ev) => {
  const f = ev.target.files[0];
  if (!f) return;
  const sway = document.getElementById("sway").checked ? "?sway=1" : "";
  const r = await fetch("/sim/camera/image" + sway, { method: "POST", headers: { "Content-Type": f.type }, body: f });
  const j = await r.json().catch(() => ({}));
  camStatus.textContent = r.ok ? "camera: " + f.name : "camera: " + (j.error || r.statusText);
});
document.getElementById("picture-off").addEventListener("click", async () => {
  await fetch("/sim/camera/image", { method: "DELETE" });
  document.getElementById("picture").value = "";
  camStatus.textContent = cam.stream ? "camera: webcam" : "camera: test pattern";
});
