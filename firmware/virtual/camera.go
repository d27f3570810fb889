package virtual

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // the uploads /sim/camera takes
	_ "image/png"
	"io"
	"net/http"
)

// Limits on a picture put in front of the simulated camera.
const (
	maxPhoto     = 8 << 20 // bytes
	maxPhotoSide = 4096    // pixels, checked before decoding
)

// camera puts the uploaded picture (the body, PNG or JPEG) in front of
// the simulated camera until the next upload; an empty body takes it
// away (the test pattern again). Nothing is stored on disk.
func (s *Server) camera(w http.ResponseWriter, r *http.Request) {
	if s.Camera == nil {
		writeErr(w, http.StatusNotFound, "this terminal has no camera")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPhoto))
	if err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("picture over %d bytes", maxPhoto))
		return
	}
	if len(body) == 0 {
		s.Camera.Show()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "showing": "pattern"})
		return
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		writeErr(w, http.StatusBadRequest, "not a PNG or JPEG picture: "+err.Error())
		return
	}
	if cfg.Width > maxPhotoSide || cfg.Height > maxPhotoSide {
		writeErr(w, http.StatusBadRequest, fmt.Sprintf("picture %dx%d is larger than %d a side", cfg.Width, cfg.Height, maxPhotoSide))
		return
	}
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		writeErr(w, http.StatusBadRequest, "picture: "+err.Error())
		return
	}
	s.Camera.Show(img)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "showing": format, "width": cfg.Width, "height": cfg.Height})
}
