// Package virtual serves the virtual terminal: a web page that shows the
// simulated panel live, turns clicks into touches, has a scanner box and
// a camera (the browser's webcam, or an uploaded picture), plus a small
// JSON API for automation. It exists only on board sim.
package virtual

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"strconv"

	"payterm/drivers/camera/camsim"
	"payterm/drivers/display/displaysim"
	"payterm/drivers/scanner/scannersim"
	"payterm/drivers/touch/touchsim"
)

//go:embed page
var page embed.FS

// Server is the virtual terminal's web front.
type Server struct {
	Panel   *displaysim.Panel
	Touch   *touchsim.Panel
	Scanner *scannersim.Scanner // nil: the board has none
	// Camera takes the browser's webcam frames and uploaded pictures;
	// nil: the board has none.
	Camera *camsim.Camera
	// State returns what /sim/state reports: checkout state and on-screen
	// buttons. Called from HTTP handlers; must be safe for that.
	State func() any
	Log   *slog.Logger
}

const maxBody = 64 << 10

// Handler returns the routes on a fresh mux.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(mustSub(page, "page")))
	mux.HandleFunc("GET /screen.png", s.screen)
	mux.HandleFunc("GET /sim/state", s.state)
	mux.HandleFunc("GET /sim/frames", s.frames)
	mux.HandleFunc("POST /sim/touch", s.touch)
	mux.HandleFunc("POST /sim/scan", s.scan)
	mux.HandleFunc("POST /sim/camera/frame", s.cameraFrame)
	mux.HandleFunc("POST /sim/camera/image", s.cameraImage)
	mux.HandleFunc("DELETE /sim/camera/image", s.cameraImage)
	return mux
}

func (s *Server) screen(w http.ResponseWriter, r *http.Request) {
	img, frame := s.Panel.Snapshot()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		http.Error(w, "encode screen: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame", strconv.FormatUint(frame, 10))
	w.Write(buf.Bytes())
}

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.State())
}

// frames is a server-sent event stream: one event per drawn frame, so the
// page fetches the screen only when it changed.
func (s *Server) frames(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	for {
		changed := s.Panel.Changed()
		_, frame := s.Panel.Snapshot()
		fmt.Fprintf(w, "data: %d\n\n", frame)
		fl.Flush()
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		}
	}
}

type touchReq struct {
	X      *int     `json:"x"`
	Y      *int     `json:"y"`
	Points [][2]int `json:"points"` // a stroke: finger down at the first, up at the last
}

func (s *Server) touch(w http.ResponseWriter, r *http.Request) {
	var req touchReq
	if !readJSON(w, r, &req) {
		return
	}
	var pts []image.Point
	switch {
	case len(req.Points) > 0:
		if len(req.Points) > 512 {
			writeErr(w, http.StatusBadRequest, "stroke longer than 512 points")
			return
		}
		for _, p := range req.Points {
			pts = append(pts, image.Pt(p[0], p[1]))
		}
	case req.X != nil && req.Y != nil:
		pts = []image.Point{image.Pt(*req.X, *req.Y)}
	default:
		writeErr(w, http.StatusBadRequest, `want {"x":..,"y":..} or {"points":[[x,y],...]}`)
		return
	}
	b := s.Panel.Bounds()
	for _, p := range pts {
		if !p.In(b) {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("point %v outside the screen %v", p, b))
			return
		}
	}
	if err := s.Touch.Stroke(pts); err != nil {
		writeErr(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

type scanReq struct {
	Code string `json:"code"`
}

func (s *Server) scan(w http.ResponseWriter, r *http.Request) {
	var req scanReq
	if !readJSON(w, r, &req) {
		return
	}
	if req.Code == "" || len(req.Code) > 256 {
		writeErr(w, http.StatusBadRequest, "code must be 1..256 characters")
		return
	}
	if s.Scanner == nil {
		writeErr(w, http.StatusNotFound, "this terminal has no scanner")
		return
	}
	err := s.Scanner.Scan(req.Code)
	if errors.Is(err, scannersim.ErrNotArmed) {
		writeErr(w, http.StatusConflict, "the terminal is not asking for a payment code")
		return
	}
	if err != nil {
		writeErr(w, http.StatusServiceUnavailable, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeErr(w, http.StatusBadRequest, "malformed JSON: "+err.Error())
		return false
	}
	return true
}

func writeErr(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
