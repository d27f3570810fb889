package cashier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"payterm/pos"
	"payterm/pos/orderread"
)

// screen is a fake Screen answering with r and img, or err.
type screen struct {
	r   orderread.Read
	img image.Image
	err error
}

func (s screen) ReadScreen(context.Context) (orderread.Read, image.Image, error) {
	return s.r, s.img, s.err
}

func post(t *testing.T, url, ctype string, body []byte) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// POST /read-screen puts the screen's read on the desk with its image:
// held with the low-confidence field when it has one, sent when clean;
// the image is served from memory; without a screen source, 501; a
// failed capture, 502.
func TestReadScreen(t *testing.T) {
	o := sample(t)
	smudged := orderread.Read{Order: o, Source: "screen", Fields: []orderread.Field{
		{Line: 2, Name: orderread.NameAmount, Text: "9.9?", Confidence: 0.3, Box: image.Rect(10, 20, 60, 40)}}}
	smudged = orderread.Check(smudged)
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for i := range img.Pix {
		img.Pix[i] = 0xff // opaque white, as a screen capture is
	}
	img.Pix[0] = 0x7f

	p := newPayer()
	d := NewDesk(t.Context(), Config{Payer: p, Mode: pos.Relay, AutoSend: true, Screen: screen{r: smudged, img: img}})
	srv := httptest.NewServer(Handler(d))
	t.Cleanup(srv.Close)
	if s, _ := d.Snapshot(); !s.Screen || s.Capture != nil {
		t.Fatalf("empty desk with a screen: %+v", s)
	}
	if st, m := post(t, srv.URL+"/read-screen", "", nil); st != http.StatusAccepted || m["stage"] != string(StageHeld) {
		t.Fatalf("read-screen: %d %v", st, m)
	}
	s, _ := d.Snapshot()
	if s.Stage != StageHeld || !reflect.DeepEqual(s.Problems, smudged.Problems) || !reflect.DeepEqual(s.Fields, smudged.Fields) {
		t.Fatalf("snapshot %+v", s)
	}
	if s.Capture == nil || s.Capture.Width != 120 || s.Capture.Height != 80 {
		t.Fatalf("capture %+v", s.Capture)
	}
	resp, err := http.Get(srv.URL + "/capture.png")
	if err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if rgba, ok := got.(*image.RGBA); !ok || rgba.Bounds() != img.Bounds() || !bytes.Equal(rgba.Pix, img.Pix) {
		t.Fatal("capture.png is not the captured image")
	}
	select {
	case o := <-p.orders:
		t.Fatalf("a read with a low-confidence amount was sent: %+v", o)
	default:
	}

	clean := NewDesk(t.Context(), Config{Payer: p, Mode: pos.Relay, AutoSend: true,
		Screen: screen{r: orderread.FromOrder(o, "screen"), img: img}})
	if _, err := clean.ReadScreen(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := p.next(t); !reflect.DeepEqual(got, o) {
		t.Fatalf("sent %+v", got)
	}
	if _, err := clean.ReadScreen(t.Context()); err != ErrBusy {
		t.Fatalf("read while the customer checks: %v", err)
	}

	for _, tc := range []struct {
		name   string
		scr    Screen
		status int
	}{
		{"no screen", nil, http.StatusNotImplemented},
		{"capture fails", screen{err: errors.New("no display")}, http.StatusBadGateway},
	} {
		srv := httptest.NewServer(Handler(NewDesk(t.Context(), Config{Payer: p, Screen: tc.scr})))
		if st, _ := post(t, srv.URL+"/read-screen", "", nil); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, st, tc.status)
		}
		resp, err := http.Get(srv.URL + "/capture.png")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: capture.png %d without a capture", tc.name, resp.StatusCode)
		}
		srv.Close()
	}
}

// POST /reads takes a Read as JSON and checks it again: a read that
// claims no problems but does not add up is held, not sent; a clean one
// is sent; a body that is not a Read is refused.
func TestPostedRead(t *testing.T) {
	p := newPayer()
	d := NewDesk(t.Context(), Config{Payer: p, Mode: pos.Relay, AutoSend: true})
	srv := httptest.NewServer(Handler(d))
	t.Cleanup(srv.Close)
	o := sample(t)
	lying := orderread.Read{Order: o, Source: "screen"}
	lying.Order.Lines = append(lying.Order.Lines[:0:0], o.Lines...)
	lying.Order.Lines[0].Amount++
	lying.Order.Total++
	body, _ := json.Marshal(lying)
	if st, m := post(t, srv.URL+"/reads", "application/json", body); st != http.StatusAccepted || m["stage"] != string(StageHeld) {
		t.Fatalf("reads: %d %v", st, m)
	}
	s, _ := d.Snapshot()
	if len(s.Problems) != 1 || s.Problems[0].Line != 0 || s.Problems[0].Name != orderread.NameAmount || s.Source != "screen" {
		t.Fatalf("held %+v", s)
	}
	body, _ = json.Marshal(orderread.FromOrder(o, "screen"))
	if st, _ := post(t, srv.URL+"/reads", "application/json", body); st != http.StatusAccepted {
		t.Fatalf("clean read: %d", st)
	}
	if got := p.next(t); !reflect.DeepEqual(got, o) {
		t.Fatalf("sent %+v", got)
	}
	p.outcomes <- pos.Outcome{Paid: true}
	waitStage(t, d, StagePaid)
	for _, b := range []string{`{"Order":`, `{"Unknown":1}`} {
		if st, _ := post(t, srv.URL+"/reads", "application/json", []byte(b)); st != http.StatusBadRequest {
			t.Errorf("%s: status %d", b, st)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/reads", bytes.NewReader(body))
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site /reads: %d", resp.StatusCode)
	}
}
