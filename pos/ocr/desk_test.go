package ocr_test

import (
	"bytes"
	"encoding/json"
	"image/draw"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"payterm/pos"
	"payterm/pos/cashier"
	"payterm/pos/cashier/cashiertest"
	"payterm/pos/ocr"
	"payterm/pos/orderread"
	"payterm/pos/region"
)

// TestScreenToCashier is the screen source end to end: a POS window on
// Xvfb shows an order with one amount smudged; Read screen on the
// cashier desk holds the read with that amount flagged and its box on
// the captured image, and sends nothing; the cashier corrects the amount
// and sends; the terminal gets the source order.
func TestScreenToCashier(t *testing.T) {
	want := testOrders(t)[0]
	// twoLine: in columns this font's smudged read also turns 西瓜 into
	// 西风 with high confidence, a misread no check can see (see the
	// benchmark's silent-wrong).
	img, amounts := renderPOS(t, want, loadFace(t, testFonts[0], 18), twoLine)
	const smudged = 3 // line 4
	blot(img.(draw.Image), amounts[smudged])
	display, saved := showPOS(t, img)
	file := filepath.Join(t.TempDir(), "region.json")
	if err := region.Save(file, saved); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC) }
	sr, err := ocr.StartScreenReader(t.Context(), ocr.ScreenConfig{Display: display, RegionFile: file, Currency: want.Currency, Pre: testPre, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sr.Close() })
	payer := cashiertest.NewPayer()
	desk := cashier.NewDesk(t.Context(), cashier.Config{Payer: payer, Mode: pos.Relay, AutoSend: true, Screen: sr})
	srv := httptest.NewServer(cashier.Handler(desk))
	t.Cleanup(srv.Close)

	resp, err := http.Post(srv.URL+"/read-screen", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /read-screen: %s", resp.Status)
	}
	var s cashier.Snapshot
	getJSON(t, srv.URL+"/state", &s)
	if s.Stage != cashier.StageHeld || s.Source != ocr.SourceScreen || s.Order == nil || s.Order.ID != "SCREEN-20250301-123000" {
		t.Fatalf("after Read screen: %+v", s)
	}
	flagged := false
	for _, p := range s.Problems {
		flagged = flagged || p.Line == smudged && p.Name == orderread.NameAmount
	}
	if !flagged {
		t.Fatalf("line %d amount not flagged; problems %+v", smudged+1, s.Problems)
	}
	for _, f := range s.Fields {
		// What was read of the smudged amount is outlined where the
		// screen showed it.
		if f.Line == smudged && f.Name == orderread.NameAmount && f.Text != "" && !f.Box.Overlaps(amounts[smudged]) {
			t.Errorf("smudged amount read as %q at %v, the screen shows it at %v", f.Text, f.Box, amounts[smudged])
		}
	}
	payer.NoneSent(t)
	if c := s.Capture; c == nil || c.Width != saved.Width || c.Height != saved.Height {
		t.Fatalf("capture %+v, region %dx%d", c, saved.Width, saved.Height)
	}
	resp, err = http.Get(srv.URL + "/capture.png")
	if err != nil {
		t.Fatal(err)
	}
	shot, err := png.Decode(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if shot.Bounds().Size() != img.Bounds().Size() {
		t.Fatalf("capture.png %v, the order area is %v", shot.Bounds(), img.Bounds())
	}

	// The cashier retypes what is marked from the POS's own screen.
	fixed := *s.Order
	fixed.Lines = append([]pos.LineFile(nil), fixed.Lines...)
	src := cashier.FileOf(want)
	for _, p := range s.Problems {
		switch {
		case p.Line == orderread.OrderLevel:
			fixed.Total = src.Total
		case p.Line >= 0 && p.Line < len(fixed.Lines) && len(fixed.Lines) == len(src.Lines):
			fixed.Lines[p.Line] = src.Lines[p.Line]
		default:
			t.Fatalf("problem %v: the read lost or gained lines", p)
		}
	}
	body, _ := json.Marshal(fixed)
	resp, err = http.Post(srv.URL+"/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		getJSON(t, srv.URL+"/state", &s)
		t.Fatalf("POST /send: %s; problems %+v", resp.Status, s.Problems)
	}
	got := payer.Next(t)
	if d := diff(got, want); d != "" || got.ID != fixed.ID {
		t.Fatalf("the terminal got another order (%s):\n%s", got.ID, d)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
