package ocr_test

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"testing"

	"payterm/firmware/order"
	"payterm/pos/ocr"
	"payterm/pos/orderread"
	"payterm/pos/receipttext"
	"payterm/pos/region"
	"payterm/pos/region/xvfbtest"
)

// posScreen is a 1280×800 Xvfb showing one POS window; the region is
// the window's order area, as the cashier would have chosen it.
func posScreen(t testing.TB, img image.Image) (*region.Screen, region.Saved) {
	t.Helper()
	display, saved := showPOS(t, img)
	scr, err := region.Open(display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { scr.Close() })
	return scr, saved
}

// showPOS starts the Xvfb of posScreen and shows img in a POS window on
// it; it returns the display and the order area. The region's pixels
// are img's: a box in the read is a rectangle of img.
func showPOS(t testing.TB, img image.Image) (string, region.Saved) {
	t.Helper()
	const w, h = 1280, 800
	display := xvfbtest.Start(t, w, h, 24)
	at := image.Pt(200, 10)
	// The POS window: grey chrome around the white order area.
	b := img.Bounds()
	win := image.NewRGBA(image.Rect(0, 0, b.Dx()+40, b.Dy()+80))
	draw.Draw(win, win.Bounds(), image.NewUniform(color.RGBA{0xd0, 0xd4, 0xd8, 0xff}), image.Point{}, draw.Src)
	draw.Draw(win, b.Add(image.Pt(20, 60)), img, b.Min, draw.Src)
	xvfbtest.Show(t, display, win, at)
	r := b.Sub(b.Min).Add(at).Add(image.Pt(20, 60))
	return display, region.Saved{X: r.Min.X, Y: r.Min.Y, Width: r.Dx(), Height: r.Dy(), Screen: image.Pt(w, h)}
}

// TestRegionReadsOrder: every font × layout × order of the test set,
// shown in an X window, captured and read, gives the source's lines and
// total exactly, with nothing for the cashier.
func TestRegionReadsOrder(t *testing.T) {
	e, err := ocr.New(testPre)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, f := range testFonts {
		face := loadFace(t, f, 18)
		for _, lay := range []layout{columns, twoLine} {
			for _, want := range testOrders(t) {
				t.Run(fmt.Sprintf("%s/%s/%s", f.name, lay, want.ID), func(t *testing.T) {
					img, _ := renderPOS(t, want, face, lay)
					scr, saved := posScreen(t, img)
					got, err := e.ReadRegion(scr, saved, receipttext.Options{ID: want.ID, Currency: want.Currency})
					if err != nil {
						t.Fatal(err)
					}
					if d := diff(got.Order, want); d != "" {
						t.Errorf("read differs from the source:\n%s", d)
					}
					if !got.Sendable() {
						t.Errorf("a clean read needs the cashier: %+v", got.Problems)
					}
				})
			}
		}
	}
}

// TestSmudgedAmountGoesToCashier: a blot over one amount is flagged on
// that line and the read is not sendable.
func TestSmudgedAmountGoesToCashier(t *testing.T) {
	e, err := ocr.New(testPre)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, f := range testFonts {
		for _, lay := range []layout{columns, twoLine} {
			t.Run(fmt.Sprintf("%s/%s", f.name, lay), func(t *testing.T) {
				want := testOrders(t)[0]
				img, amounts := renderPOS(t, want, loadFace(t, f, 18), lay)
				const smudged = 3 // line 4
				blot(img.(draw.Image), amounts[smudged])
				scr, saved := posScreen(t, img)
				got, err := e.ReadRegion(scr, saved, receipttext.Options{ID: want.ID, Currency: want.Currency})
				if err != nil {
					t.Fatal(err)
				}
				if got.Sendable() {
					t.Fatalf("a smudged amount is sendable: %+v", got.Order)
				}
				flagged := false
				for _, p := range got.Problems {
					if p.Line == smudged || (p.Line == orderread.OrderLevel && p.Name == orderread.NameTotal) {
						flagged = flagged || p.Line == smudged
					}
				}
				if !flagged {
					t.Errorf("line %d not flagged; problems %+v", smudged+1, got.Problems)
				}
			})
		}
	}
}

// blot draws an irregular dark smear over r, as a finger or a coffee
// stain on the screen would.
func blot(img draw.Image, r image.Rectangle) {
	c := r.Min.Add(r.Max).Div(2)
	rx, ry := r.Dx()/2+2, r.Dy()/2
	for y := r.Min.Y - 2; y < r.Max.Y+2; y++ {
		for x := r.Min.X - 4; x < r.Max.X+4; x++ {
			dx, dy := float64(x-c.X)/float64(rx), float64(y-c.Y)/float64(ry)
			wobble := 0.15 * float64((x*7+y*13)%5) / 4
			if dx*dx+dy*dy < 1+wobble {
				img.Set(x, y, color.RGBA{0x50, 0x40, 0x30, 0xff})
			}
		}
	}
}

// diff lists the fields of got that differ from want ("" when equal).
func diff(got, want order.Order) string {
	var s string
	if len(got.Lines) != len(want.Lines) {
		s += fmt.Sprintf("%d lines, want %d\n", len(got.Lines), len(want.Lines))
	}
	for i := range min(len(got.Lines), len(want.Lines)) {
		g, w := got.Lines[i], want.Lines[i]
		if g.Label != w.Label || g.Quantity != w.Quantity || g.Unit != w.Unit || g.UnitPrice != w.UnitPrice || g.Amount != w.Amount || g.Discount != w.Discount {
			s += fmt.Sprintf("line %d: %q %s%s %d %d, want %q %s%s %d %d\n", i+1, g.Label, g.Quantity, g.Unit, g.UnitPrice, g.Amount, w.Label, w.Quantity, w.Unit, w.UnitPrice, w.Amount)
		}
	}
	if fmt.Sprint(got.Discounts) != fmt.Sprint(want.Discounts) {
		s += fmt.Sprintf("discounts %v, want %v\n", got.Discounts, want.Discounts)
	}
	if got.Total != want.Total {
		s += fmt.Sprintf("total %d, want %d\n", got.Total, want.Total)
	}
	return s
}
