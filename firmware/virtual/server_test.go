package virtual

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"payterm/drivers/display/displaysim"
	"payterm/drivers/scanner/scannersim"
	"payterm/drivers/touch"
	"payterm/drivers/touch/touchsim"
)

func newTestServer(t *testing.T) (*httptest.Server, *Server) {
	t.Helper()
	s := &Server{
		Panel:   displaysim.New(400, 300),
		Touch:   touchsim.New(),
		Scanner: scannersim.New(),
		State:   func() any { return map[string]string{"phase": "idle"} },
		Log:     slog.New(slog.DiscardHandler),
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, s
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTouchAndScanRequests(t *testing.T) {
	ts, s := newTestServer(t)
	tests := []struct {
		name, path, body string
		want             int
		errHas           string
	}{
		{"tap", "/sim/touch", `{"x":10,"y":20}`, 200, ""},
		{"stroke", "/sim/touch", `{"points":[[1,1],[50,1],[50,50],[1,50]]}`, 200, ""},
		{"outside the screen", "/sim/touch", `{"x":400,"y":20}`, 400, "outside"},
		{"negative", "/sim/touch", `{"x":-1,"y":0}`, 400, "outside"},
		{"no point", "/sim/touch", `{}`, 400, "want"},
		{"malformed", "/sim/touch", `{"x":`, 400, "malformed"},
		{"unknown field", "/sim/touch", `{"x":1,"y":1,"z":1}`, 400, "malformed"},
		{"stroke too long", "/sim/touch", `{"points":[` + strings.Repeat("[1,1],", 600) + `[1,1]]}`, 400, "512"},
		{"scan while disarmed", "/sim/scan", `{"code":"134567890123456789"}`, 409, "not asking"},
		{"empty code", "/sim/scan", `{"code":""}`, 400, "1..256"},
		{"oversized body", "/sim/scan", `{"code":"` + strings.Repeat("1", 70<<10) + `"}`, 400, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := post(t, ts.URL+tt.path, tt.body)
			if code != tt.want || !strings.Contains(body, tt.errHas) {
				t.Fatalf("%d %s, want %d containing %q", code, body, tt.want, tt.errHas)
			}
		})
	}
	// The tap and the stroke arrived as finger events, in order.
	want := []touch.Kind{touch.Down, touch.Up, touch.Down, touch.Move, touch.Move, touch.Move, touch.Up}
	for i, k := range want {
		ev := <-s.Touch.Events(t.Context())
		if ev.Kind != k {
			t.Fatalf("event %d: %v, want %v", i, ev.Kind, k)
		}
	}
	s.Scanner.Arm(t.Context())
	if code, body := post(t, ts.URL+"/sim/scan", `{"code":"134567890123456789"}`); code != 200 {
		t.Fatalf("scan while armed: %d %s", code, body)
	}
	if got := <-s.Scanner.Codes(); got != "134567890123456789" {
		t.Fatalf("scanner read %q", got)
	}
}

func TestScreenIsThePanel(t *testing.T) {
	ts, s := newTestServer(t)
	frame := image.NewRGBA(s.Panel.Bounds())
	for i := range frame.Pix {
		frame.Pix[i] = 0x80
	}
	if err := s.Panel.Draw(frame, []image.Rectangle{image.Rect(10, 10, 20, 20)}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ts.URL + "/screen.png")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != s.Panel.Bounds() {
		t.Fatalf("screen %v, panel %v", img.Bounds(), s.Panel.Bounds())
	}
	if r, _, _, _ := img.At(15, 15).RGBA(); r>>8 != 0x80 {
		t.Fatalf("damaged pixel not on the screen: %x", r>>8)
	}
	if r, _, _, _ := img.At(25, 25).RGBA(); r != 0 {
		t.Fatalf("pixel outside the damage changed: %x", r)
	}
	if resp.Header.Get("X-Frame") != "1" {
		t.Fatalf("X-Frame %q", resp.Header.Get("X-Frame"))
	}
}

func TestPageServed(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, p := range []string{"/", "/app.js"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
}
