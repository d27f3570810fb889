package virtual

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the formats the camera takes
	_ "image/png"
	"io"
	"net/http"
)

// Limits on a picture for the camera: a webcam frame or an uploaded
// photo. The pixel bound is checked from the header, before decoding.
const (
	maxPicture     = 8 << 20 // bytes
	maxPictureSide = 4096    // pixels
)

// decodePicture reads a JPEG or PNG no larger than the limits.
func decodePicture(w http.ResponseWriter, r *http.Request) (image.Image, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPicture))
	if err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("picture larger than %d bytes", maxPicture))
		return nil, false
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		writeErr(w, http.StatusBadRequest, "want a JPEG or PNG picture: "+err.Error())
		return nil, false
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPictureSide || cfg.Height > maxPictureSide {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("picture %d×%d: each side must be 1..%d", cfg.Width, cfg.Height, maxPictureSide))
		return nil, false
	}
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		writeErr(w, http.StatusBadRequest, "picture: "+err.Error())
		return nil, false
	}
	return img, true
}

// cameraFrame takes one frame of the browser's webcam (a JPEG, about ten
// a second) and feeds it to the camera as its next frame.
func (s *Server) cameraFrame(w http.ResponseWriter, r *http.Request) {
	if s.Camera == nil {
		writeErr(w, http.StatusNotFound, "this terminal has no camera")
		return
	}
	img, ok := decodePicture(w, r)
	if !ok {
		return
	}
	s.Camera.Feed(img)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// cameraImage puts an uploaded picture in front of the camera, shown in
// every frame until replaced; DELETE takes it away (the test pattern).
// With ?sway=1 the picture moves slightly from frame to frame, as a
// person holding still does: a still photo is refused by the face
// capture's liveness check, and the virtual terminal has no person.
func (s *Server) cameraImage(w http.ResponseWriter, r *http.Request) {
	if s.Camera == nil {
		writeErr(w, http.StatusNotFound, "this terminal has no camera")
		return
	}
	if r.Method == http.MethodDelete {
		s.Camera.Show()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	img, ok := decodePicture(w, r)
	if !ok {
		return
	}
	frames := []image.Image{img}
	if r.URL.Query().Get("sway") == "1" {
		frames = sway(img)
	}
	s.Camera.Show(frames...)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "frames": len(frames)})
}

// swayShifts is a small closed path, in thousandths of the picture's
// width, that a swaying picture follows frame by frame.
var swayShifts = [...][2]int{{0, 0}, {4, 1}, {8, 3}, {10, 6}, {8, 9}, {4, 10}, {0, 9}, {-2, 6}, {-2, 3}}

// sway returns img shifted along swayShifts, one picture per step; the
// edge pixels uncovered by a shift repeat the border's.
func sway(img image.Image) []image.Image {
	b := img.Bounds()
	var out []image.Image
	for _, s := range swayShifts {
		dx, dy := s[0]*b.Dx()/1000, s[1]*b.Dx()/1000
		m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(m, m.Rect, img, b.Min, draw.Src) // the border stays behind the shift
		draw.Draw(m, m.Rect.Add(image.Pt(dx, dy)), img, b.Min, draw.Src)
		out = append(out, m)
	}
	return out
}
