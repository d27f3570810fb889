package ui

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"payterm/firmware/checkout"
)

func TestPNGIsTheUprightScreen(t *testing.T) {
	l := Layout{W: 800, H: 480, Rotation: 90}
	r := newTestRenderer(t, l, nil)
	r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: testOrder(5, false)})
	for i := 0; i < 2; i++ { // the second reuses the encoder's buffers
		var buf bytes.Buffer
		if err := r.PNG(&buf); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if want := image.Rect(0, 0, 480, 800); img.Bounds() != want {
			t.Fatalf("PNG is %v, want the upright %v", img.Bounds(), want)
		}
		for _, p := range []image.Point{{0, 0}, {240, 30}, {100, 200}, {479, 799}} {
			gr, gg, gb, _ := img.At(p.X, p.Y).RGBA()
			wr, wg, wb, _ := r.logical.At(p.X, p.Y).RGBA()
			if gr != wr || gg != wg || gb != wb {
				t.Errorf("PNG pixel %v differs from the screen", p)
			}
		}
	}
}
