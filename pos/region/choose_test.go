package region_test

import (
	"image"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"payterm/pos/region"
)

func TestChooser(t *testing.T) {
	c, err := region.NewChooser(pattern(640, 400))
	if err != nil {
		t.Fatal(err)
	}
	h := c.Handler()
	for _, path := range []string{"/", "/shot.png"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || rec.Body.Len() == 0 {
			t.Errorf("GET %s: %d, %d bytes", path, rec.Code, rec.Body.Len())
		}
	}
	tests := []struct {
		body string
		code int
	}{
		{`{"x":600,"y":10,"width":100,"height":50}`, http.StatusBadRequest}, // off the screen
		{`{"x":10,"y":10,"width":4,"height":50}`, http.StatusBadRequest},    // too thin
		{`not json`, http.StatusBadRequest},
		{`{"x":20,"y":30,"width":300,"height":200}`, http.StatusNoContent},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/region", strings.NewReader(tt.body)))
		if rec.Code != tt.code {
			t.Errorf("POST %s: %d, want %d (%s)", tt.body, rec.Code, tt.code, rec.Body)
		}
	}
	select {
	case s := <-c.Chosen():
		if s.Rect() != image.Rect(20, 30, 320, 230) || s.Screen != image.Pt(640, 400) {
			t.Errorf("chosen %+v", s)
		}
	default:
		t.Fatal("nothing chosen")
	}
}

func TestSaveLoad(t *testing.T) {
	path := t.TempDir() + "/payterm/region.json"
	want := region.Saved{X: 1, Y: 2, Width: 300, Height: 400, Screen: image.Pt(1280, 800)}
	if err := region.Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := region.Load(path)
	if err != nil || got != want {
		t.Fatalf("loaded %+v, %v", got, err)
	}
	if err := got.Check(image.Pt(1024, 768)); err == nil {
		t.Error("a region chosen on another screen size passed")
	}
}
