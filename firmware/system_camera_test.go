package main

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"payterm/internal/codecam/codecamtest"
	"payterm/pos"
)

// TestCameraCodeWithoutScanner is a sale on the virtual terminal built
// without its scanner: the method screen offers the payment code (read
// by the camera) besides the face; choosing it streams the camera; a photo of
// the customer's code as a QR code — turned, out of focus, noisy — is
// put in front of it; the terminal reads it, charges it once and shows
// Paid; the code never appears in the log.
func TestCameraCodeWithoutScanner(t *testing.T) {
	s := startSystem(t, func(c *config) { c.Without = []string{"scanner"} })
	a := s.Agent()
	cust := s.Customer(100000)
	o, err := pos.SampleOrder("T-CAMERA")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan pos.Outcome, 1)
	go func() { out, _ := a.Pay(ctx, o, pos.Direct); done <- out }()

	s.WaitScreen("order")
	// Before the customer chooses, the camera shows something that is not
	// a payment code: nothing may come of it.
	s.ShowCamera(qrPNG(t, "https://example.com/menu", 0), http.StatusOK)
	s.Tap("confirm", "")
	st := s.WaitScreen("method")
	var actions []string
	for _, b := range st.Buttons {
		actions = append(actions, b.Action)
	}
	// The camera reads the code; it takes faces too (the payment host's
	// face key, dev).
	if !slices.Contains(actions, "choose-code") || !slices.Contains(actions, "choose-face") {
		t.Fatalf("method screen offers %v; want the code and the face", actions)
	}
	s.Tap("choose-code", "")
	st = s.WaitScreen("show-code")
	for _, b := range st.Buttons {
		if b.Action == "switch-reader" {
			t.Fatalf("show-code without a scanner offers %q", b.Label)
		}
	}
	s.Scan("134567890123456789", http.StatusNotFound) // no scanner to type into
	s.WaitLog("camera: reading codes")

	code := s.Code(cust.ID)
	s.ShowCamera(qrPNG(t, code, 30), http.StatusOK)
	out := <-done
	if !out.Paid {
		t.Fatalf("not paid: %+v", out)
	}
	s.WaitScreen("paid")
	if got, want := s.Balance(cust.ID), 100000-o.Total; got != want {
		t.Fatalf("balance %d, want %d (charged once)", got, want)
	}
	// The code stays in front of the camera: the camera was stopped and
	// nothing more is charged.
	s.WaitLog("camera: code reading stopped")
	time.Sleep(300 * time.Millisecond)
	if got, want := s.Balance(cust.ID), 100000-o.Total; got != want {
		t.Fatalf("balance %d after the sale, want %d", got, want)
	}
	if n := strings.Count(s.Log.String(), "camera: payment code read"); n != 1 {
		t.Errorf("%d codes read from the camera, want 1", n)
	}
	if strings.Contains(s.Log.String(), code) {
		t.Error("the payment code is in the log unmasked")
	}
}

// qrPNG is a 640×480 camera picture of text as a QR code, 160 pixels,
// turned deg degrees, blurred and noisy, as a PNG.
func qrPNG(t *testing.T, text string, deg float64) []byte {
	t.Helper()
	g, err := codecamtest.QRFrame(text, 640, 480, 160, deg, 1, 8, 42)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ShowCamera puts a picture in front of the simulated camera (the
// virtual terminal's picture upload, still).
func (s *system) ShowCamera(pic []byte, want int) {
	s.t.Helper()
	resp, err := s.hc.Post(s.Web+"/sim/camera/image", "image/png", bytes.NewReader(pic))
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		s.t.Fatalf("POST /sim/camera/image: %s, want %d", resp.Status, want)
	}
}
