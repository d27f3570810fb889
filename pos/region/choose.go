package region

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"sync"
)

//go:embed choose.html
var choosePage []byte

// Chooser serves the page on which the cashier drags the order area
// over a screenshot: GET / is the page, GET /shot.png the screenshot,
// POST /region takes {"x","y","width","height"} in screen pixels.
// Serve it on loopback only (the screenshot shows the POS screen).
type Chooser struct {
	shot   []byte
	size   image.Point
	chosen chan Saved
	once   sync.Once
}

// NewChooser encodes the screenshot.
func NewChooser(shot image.Image) (*Chooser, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, shot); err != nil {
		return nil, fmt.Errorf("region: %w", err)
	}
	return &Chooser{shot: buf.Bytes(), size: shot.Bounds().Size(), chosen: make(chan Saved, 1)}, nil
}

// Chosen delivers the first valid rectangle posted.
func (c *Chooser) Chosen() <-chan Saved { return c.chosen }

// Handler is the page's HTTP handler.
func (c *Chooser) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(choosePage)
	})
	mux.HandleFunc("GET /shot.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(c.shot)
	})
	mux.HandleFunc("POST /region", func(w http.ResponseWriter, r *http.Request) {
		var s Saved
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024)).Decode(&s); err != nil {
			http.Error(w, "bad rectangle: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.Screen = c.size
		if err := s.Check(c.size); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.once.Do(func() { c.chosen <- s })
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}
