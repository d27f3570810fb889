package ui

import (
	"bytes"
	"image"
	"testing"

	"payterm/firmware/checkout"
)

func TestToggleLineRepaintsOnlyItsRow(t *testing.T) {
	o := testOrder(20, true)
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			screen := lc.l.W * lc.l.H
			r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o})

			// First mark: the row, and the Report button appearing.
			_, d := r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L1": true}})
			rows := rowsByLine(r)
			report := buttonRect(t, r, checkout.ActReport)
			if !sameRects(d, []image.Rectangle{rows["L1"], report}) {
				t.Errorf("first mark: damage %v, want row L1 %v and Report %v", d, rows["L1"], report)
			}

			// Second mark: that row alone.
			_, d = r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L1": true, "L3": true}})
			if len(d) != 1 || d[0] != rows["L3"] {
				t.Fatalf("second mark: damage %v, want row L3 %v", d, rows["L3"])
			}
			if a := d[0].Dx() * d[0].Dy(); a*10 >= screen {
				t.Errorf("toggle damage %v is %d px, want < 10%% of %d", d[0], a, screen)
			}
		})
	}
}

func buttonRect(t *testing.T, r *Renderer, a checkout.Action) image.Rectangle {
	t.Helper()
	for _, b := range r.Buttons() {
		if b.Action == a {
			return b.Rect
		}
	}
	t.Fatalf("no %v button", a)
	return image.Rectangle{}
}

func sameRects(a, b []image.Rectangle) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// TestIncrementalEqualsFresh drives one renderer through a sequence of
// views and checks after each step that its image equals a fresh
// renderer's full drawing of the same view, and that every pixel that
// changed lies inside the damage it reported.
func TestIncrementalEqualsFresh(t *testing.T) {
	o := testOrder(20, true)
	small := testOrder(3, false)
	order := func(marked map[string]bool, page int, corrected bool) checkout.View {
		return checkout.View{Screen: checkout.ScreenOrder, Order: o, Marked: marked, Page: page, Corrected: corrected}
	}
	seq := []checkout.View{
		{Screen: checkout.ScreenIdle},
		order(nil, 0, false),
		order(map[string]bool{"L2": true}, 0, false),
		order(map[string]bool{"L2": true, "L4": true}, 0, false),
		order(map[string]bool{"L4": true}, 0, false),
		order(map[string]bool{"L4": true}, 1, false),
		order(map[string]bool{"L4": true, "L12": true}, 1, false),
		order(nil, 1, true),
		order(nil, 0, true),
		{Screen: checkout.ScreenOrder, Order: small},
		{Screen: checkout.ScreenOrder, Order: small, Marked: map[string]bool{"L3": true}},
		{Screen: checkout.ScreenFlagged, Order: small, Marked: map[string]bool{"L3": true}},
		{Screen: checkout.ScreenMethod, Order: small, Methods: []checkout.Method{checkout.Code}},
		{Screen: checkout.ScreenMethod, Order: small, Methods: []checkout.Method{checkout.Code, checkout.Face}},
		{Screen: checkout.ScreenProcessing, Order: small},
		{Screen: checkout.ScreenProcessing, Order: small, Message: "Charging"},
		{Screen: checkout.ScreenPaid, Order: small},
	}
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			var before []byte
			for i, v := range seq {
				img, damage := r.Render(v)
				fresh := newTestRenderer(t, lc.l, nil)
				want, _ := fresh.Render(v)
				if !bytes.Equal(img.Pix, want.Pix) {
					t.Fatalf("step %d (%v): incremental image differs from a full render", i, v.Screen)
				}
				if before != nil {
					if p, ok := changedOutside(before, img, damage); ok {
						t.Fatalf("step %d (%v): pixel %v changed outside damage %v", i, v.Screen, p, damage)
					}
				}
				before = bytes.Clone(img.Pix)
			}
		})
	}
}

func changedOutside(before []byte, img *image.RGBA, damage []image.Rectangle) (image.Point, bool) {
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			i := img.PixOffset(x, y)
			if bytes.Equal(before[i:i+4], img.Pix[i:i+4]) {
				continue
			}
			p := image.Pt(x, y)
			in := false
			for _, d := range damage {
				in = in || p.In(d)
			}
			if !in {
				return p, true
			}
		}
	}
	return image.Point{}, false
}
