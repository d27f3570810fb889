package ui

import (
	"bytes"
	"image"
	"testing"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// TestBGRAIsRGBASwapped: a FormatBGRA Renderer's bytes are the RGBA
// render's with red and blue exchanged, pixel for pixel, over full
// renders and partial ones (a line marked), rotated or not; and its
// Render and PNG give the same RGBA as a FormatRGBA Renderer's. So the
// QEMU screendump comparisons hold whichever format the panel takes.
func TestBGRAIsRGBASwapped(t *testing.T) {
	fonts := cjkFonts(t)
	for _, lc := range layouts {
		rgba, err := New(Options{Layout: lc.l, Fonts: fonts, Name: "Counter 3"})
		if err != nil {
			t.Fatal(err)
		}
		bgra, err := New(Options{Layout: lc.l, Fonts: fonts, Name: "Counter 3", Format: FormatBGRA})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range catalog.Languages() {
			vs := longViews(longOrder(), lang)
			mark := vs[1]
			mark.Marked = map[string]bool{"L1": true}
			for _, v := range append(vs, mark) {
				want, wd := rgba.Render(v)
				got, gd := bgra.RenderBGRA(v)
				name := lc.name + "/" + lang + "/" + v.Screen.String()
				if len(wd) != len(gd) || got.Rect != want.Rect {
					t.Fatalf("%s: damage %v vs %v", name, gd, wd)
				}
				swapped := make([]byte, len(want.Pix))
				swapRB(swapped, want.Pix, want.Stride, want.Rect.Min, want.Rect)
				if !bytes.Equal(got.Pix, swapped) {
					t.Errorf("%s: BGRA bytes differ from the RGBA render swapped", name)
				}
				if c, w := got.At(40, 20), want.At(40, 20); c != w {
					t.Errorf("%s: At = %v, want %v", name, c, w)
				}
			}
			v := vs[1]
			want, _ := rgba.Render(v)
			back, _ := bgra.Render(v)
			if !bytes.Equal(back.Pix, want.Pix) {
				t.Errorf("%s/%s: Render of a BGRA Renderer differs from RGBA", lc.name, lang)
			}
			var pa, pb bytes.Buffer
			if rgba.PNG(&pa) != nil || bgra.PNG(&pb) != nil || !bytes.Equal(pa.Bytes(), pb.Bytes()) {
				t.Errorf("%s/%s: PNG of a BGRA Renderer differs", lc.name, lang)
			}
		}
	}
}

// TestRenderBGRAOnRGBA: an RGBA Renderer converts on request.
func TestRenderBGRAOnRGBA(t *testing.T) {
	r := newTestRenderer(t, layouts[1].l, nil)
	v := checkout.View{Screen: checkout.ScreenOrder, Order: testOrder(3, false)}
	got, _ := r.RenderBGRA(v)
	want, _ := r.Render(v)
	for _, p := range []image.Point{{0, 0}, {10, 10}, {400, 300}, {799, 479}} {
		if got.At(p.X, p.Y) != want.At(p.X, p.Y) {
			t.Errorf("At%v = %v, want %v", p, got.At(p.X, p.Y), want.At(p.X, p.Y))
		}
	}
}
