package ui

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"payterm/firmware/checkout"
)

// stripes is a PageSource whose pages are horizontal stripes, one colour
// per page, 3×width tall; it counts the pages it drew.
type stripes struct {
	cache map[[3]int]*image.RGBA
	drawn int
}

func (s *stripes) Page(id string, page, width int) (*image.RGBA, error) {
	if id != "doc" {
		return nil, fmt.Errorf("no document %q", id)
	}
	k := [3]int{page, width}
	if img, ok := s.cache[k]; ok {
		return img, nil
	}
	s.drawn++
	img := image.NewRGBA(image.Rect(0, 0, width, 3*width))
	for y := range img.Rect.Dy() {
		c := color.RGBA{uint8(40 * page), uint8(y % 256), 200, 255}
		for x := range width {
			img.SetRGBA(x, y, c)
		}
	}
	s.cache[k] = img
	return img, nil
}

func TestDocumentScreen(t *testing.T) {
	for _, format := range []PixelFormat{FormatRGBA, FormatBGRA} {
		src := &stripes{cache: map[[3]int]*image.RGBA{}}
		r, err := New(Options{Layout: Layout{W: 1280, H: 800}, Pages: src, Format: format})
		if err != nil {
			t.Fatal(err)
		}
		doc := checkout.DocView{ID: "doc", Pages: 2, Receipt: true}
		img, _ := r.Render(checkout.View{Screen: checkout.ScreenDocument, Doc: doc})
		m := r.build.m
		// Page row y of page 0 is {0, y, 200} at (pad, header+y).
		at := func(img *image.RGBA, y int) color.RGBA { return img.RGBAAt(m.pad+5, m.header+y) }
		if got := at(img, 10); got != (color.RGBA{0, 10, 200, 255}) {
			t.Fatalf("%v: page pixel %v, want row 10 of page 0", format, got)
		}
		// A drag up by 100 scrolls 100 rows.
		tch, ok := r.Dragged([]image.Point{{600, 500}, {600, 450}, {600, 400}})
		if !ok || tch.Action != checkout.ActScroll || tch.Scroll != 100 {
			t.Fatalf("drag: %+v %v, want scroll to 100", tch, ok)
		}
		doc.Scroll = tch.Scroll
		img, damage := r.Render(checkout.View{Screen: checkout.ScreenDocument, Doc: doc})
		if got := at(img, 10); got != (color.RGBA{0, 110, 200, 255}) || len(damage) == 0 {
			t.Fatalf("scrolled: pixel %v damage %v, want row 110", got, damage)
		}
		// Scrolling past the end stops at the page's last rows.
		doc.Scroll = 1 << 20
		img, _ = r.Render(checkout.View{Screen: checkout.ScreenDocument, Doc: doc})
		area := m.h - m.bar - m.header
		last := 3*(1280-2*m.pad) - area
		if got := at(img, 0); got.G != uint8(last%256) {
			t.Errorf("scrolled past the end: top row %v, want row %d", got, last)
		}
		// A swipe left is the next page; on the last page, nothing.
		tch, ok = r.Dragged([]image.Point{{900, 400}, {700, 410}})
		if !ok || tch.Action != checkout.ActPage || tch.Page != 1 {
			t.Fatalf("swipe: %+v %v, want page 1", tch, ok)
		}
		doc.Page, doc.Scroll = 1, 0
		img, _ = r.Render(checkout.View{Screen: checkout.ScreenDocument, Doc: doc})
		if got := at(img, 0); got.R != 40 {
			t.Errorf("page 1: pixel %v", got)
		}
		if _, ok := r.Dragged([]image.Point{{900, 400}, {700, 410}}); ok {
			t.Error("swipe past the last page")
		}
		// Close and the page buttons are there.
		var acts []checkout.Action
		for _, b := range r.Buttons() {
			acts = append(acts, b.Action)
		}
		if !hasAct(acts, checkout.ActDismiss) || !hasAct(acts, checkout.ActPage) {
			t.Errorf("buttons %v: want close and page", acts)
		}
		if src.drawn != 2 {
			t.Errorf("source drew %d pages, want 2 (one per page, scrolls reuse it)", src.drawn)
		}
		if _, ok := r.Dragged([]image.Point{{600, 500}, {603, 498}}); ok {
			t.Error("a tap counted as a drag")
		}
	}
}

func hasAct(acts []checkout.Action, a checkout.Action) bool {
	for _, x := range acts {
		if x == a {
			return true
		}
	}
	return false
}
