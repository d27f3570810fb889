package main

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"net/http"
	"testing"
	"time"

	"payterm/firmware/document"
	"payterm/firmware/poslink"
	"payterm/internal/pdftest"
	"payterm/pos"
)

// docState is /sim/state's document, while one is on screen.
type docState struct {
	Document *struct {
		Pages, Page, Scroll int
		Receipt             bool
	} `json:"document"`
	Screen string `json:"screen"`
}

func (s *system) docState() docState {
	s.t.Helper()
	var st docState
	resp, err := s.hc.Get(s.Web + "/sim/state")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// waitDoc polls until the document on screen is at page and scroll.
func (s *system) waitDoc(page, scroll int) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var st docState
	for time.Now().Before(deadline) {
		st = s.docState()
		if d := st.Document; d != nil && d.Page == page && d.Scroll == scroll {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("document %+v on screen %q, waited for page %d scroll %d", st.Document, st.Screen, page, scroll)
}

// TestDocumentReceipt: the POS prints a three-page Chinese receipt (nexo
// Print with a PDF); it is on the customer's screen as MuPDF draws it,
// scrolls when dragged, turns pages by swipe and by the page button,
// and Close brings back idle. A broken PDF is refused MessageFormat and
// the terminal still takes an order.
func TestDocumentReceipt(t *testing.T) {
	s := startSystem(t, nil)
	a := s.Agent()
	ctx := context.Background()
	pdf := pdftest.Receipt(t, 3)
	if err := a.Terminal.Print(ctx, a.SaleID, a.NewServiceID(), "", pdf); err != nil {
		t.Fatalf("Print: %v", err)
	}
	s.WaitScreen("document")
	s.waitDoc(0, 0)

	// The page area shows what MuPDF draws of page 0, pixel for pixel.
	shot, _ := s.Screenshot()
	area, at := pageArea(t, shot)
	doc, err := document.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	want, err := doc.Render(0, area.Dx())
	if err != nil {
		t.Fatal(err)
	}
	if diff := differ(shot, at, want, area.Dy()); diff > 0 {
		t.Fatalf("page area differs from MuPDF's page 0 in %d pixels", diff)
	}

	// Drag up: the page scrolls by the drag.
	mid := area.Min.Add(image.Pt(area.Dx()/2, area.Dy()/2))
	s.post("/sim/touch", map[string]any{"points": [][2]int{{mid.X, mid.Y}, {mid.X, mid.Y - 100}, {mid.X, mid.Y - 200}}}, http.StatusOK)
	s.waitDoc(0, 200)
	shot2, _ := s.Screenshot()
	if differ(shot2, at, want, area.Dy()) == 0 {
		t.Fatal("the screen did not change when scrolled")
	}
	if diff := differ(shot2, at, subRows(want, 200), area.Dy()); diff > 0 {
		t.Fatalf("scrolled page differs from MuPDF's rows 200… in %d pixels", diff)
	}

	// Swipe left: page 2, from its top; it differs from page 1.
	s.post("/sim/touch", map[string]any{"points": [][2]int{{mid.X + 200, mid.Y}, {mid.X, mid.Y}, {mid.X - 200, mid.Y}}}, http.StatusOK)
	s.waitDoc(1, 0)
	want1, err := doc.Render(1, area.Dx())
	if err != nil {
		t.Fatal(err)
	}
	shot3, _ := s.Screenshot()
	if diff := differ(shot3, at, want1, area.Dy()); diff > 0 {
		t.Fatalf("page area differs from MuPDF's page 1 in %d pixels", diff)
	}
	// The next-page button (the right one of the two): page 3.
	next := buttonRect{X: -1}
	for _, b := range s.State().Buttons {
		if b.Action == "page" && b.Rect.X > next.X {
			next = buttonRect(b.Rect)
		}
	}
	s.post("/sim/touch", map[string]int{"x": next.X + next.W/2, "y": next.Y + next.H/2}, http.StatusOK)
	s.waitDoc(2, 0)
	s.Tap("dismiss", "")
	s.WaitScreen("idle")

	// A broken PDF: refused, nothing on screen changes, payments go on.
	err = a.Terminal.Print(ctx, a.SaleID, a.NewServiceID(), "", append([]byte("%PDF-1.7\n"), make([]byte, 64)...))
	var re *poslink.ResponseError
	if !errors.As(err, &re) || re.Condition != poslink.CondMessageFormat {
		t.Fatalf("broken PDF: %v, want MessageFormat", err)
	}
	if st := s.State(); st.Screen != "idle" {
		t.Fatalf("screen %q after a broken PDF", st.Screen)
	}
	// One that aborts MuPDF's process: only the renderer dies.
	err = a.Terminal.Print(ctx, a.SaleID, a.NewServiceID(), "", pdftest.AbortsMuPDF())
	if !errors.As(err, &re) || re.Condition != poslink.CondMessageFormat {
		t.Fatalf("PDF that aborts MuPDF: %v, want MessageFormat", err)
	}
	o, err := pos.SampleOrder("T-DOC-1")
	if err != nil {
		t.Fatal(err)
	}
	paying := payAsync(t, a, o, pos.Relay)
	s.WaitScreen("order")
	// A receipt during a payment is refused Busy; the order stays.
	err = a.Terminal.Print(ctx, a.SaleID, a.NewServiceID(), "", pdf)
	if !errors.As(err, &re) || re.Condition != poslink.CondBusy {
		t.Fatalf("Print during a payment: %v, want Busy", err)
	}
	if st := s.State(); st.Screen != "order" {
		t.Fatalf("screen %q after a refused receipt, want the order", st.Screen)
	}
	s.Tap("cancel", "")
	<-paying
	s.WaitScreen("failed")
}

// pageArea finds the document area on a 1280×800 screenshot: the rows
// between the title bar and the button bar, and where the page's first
// pixel lies (the page is inset by the ui's padding).
func pageArea(t *testing.T, shot *image.RGBA) (area image.Rectangle, at image.Point) {
	t.Helper()
	// The desk colour frames the page: the first desk pixel down the
	// left edge is the area's top; its last, the bottom.
	desk := shot.RGBAAt(2, shot.Rect.Dy()/2)
	top, bottom := -1, -1
	for y := range shot.Rect.Dy() {
		if shot.RGBAAt(2, y) == desk {
			if top < 0 {
				top = y
			}
			bottom = y + 1
		}
	}
	left := 0
	for left < shot.Rect.Dx() && shot.RGBAAt(left, shot.Rect.Dy()/2) == desk {
		left++
	}
	if top < 0 || left == 0 || left >= shot.Rect.Dx()/4 {
		t.Fatalf("no document area on screen (desk %v, top %d, left %d)", desk, top, left)
	}
	return image.Rect(left, top, shot.Rect.Dx()-left, bottom), image.Pt(left, top)
}

// differ counts pixels of rows rows of want that differ from shot at at.
func differ(shot *image.RGBA, at image.Point, want *image.RGBA, rows int) int {
	n := 0
	for y := range min(rows, want.Rect.Dy()) {
		for x := range want.Rect.Dx() {
			if shot.RGBAAt(at.X+x, at.Y+y) != want.RGBAAt(x, y) {
				n++
			}
		}
	}
	return n
}

// subRows is img without its first n rows.
func subRows(img *image.RGBA, n int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, img.Rect.Dx(), img.Rect.Dy()-n))
	copy(out.Pix, img.Pix[n*img.Stride:])
	return out
}
