package ui

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaskOverMatchesDraw: maskOver lands within one level of image/draw's
// Over for opaque colours, on any background, clipped to r, with no
// blend tables and with tables shared by every call (as a Renderer's
// are).
func TestMaskOverMatchesDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shared := &blendTabs{}
	for _, tc := range []struct {
		name string
		col  color.RGBA
		r    image.Rectangle
		mp   image.Point
	}{
		{"whole mask", color.RGBA{17, 24, 39, 255}, image.Rect(3, 4, 40, 30), image.Pt(0, 0)},
		{"offset mask", color.RGBA{255, 255, 255, 255}, image.Rect(0, 0, 20, 9), image.Pt(5, 7)},
		{"translucent", color.RGBA{100, 50, 0, 128}, image.Rect(1, 1, 30, 20), image.Pt(2, 1)},
		{"empty", color.RGBA{1, 2, 3, 255}, image.Rect(5, 5, 5, 9), image.Pt(0, 0)},
	} {
		for _, tabs := range []*blendTabs{nil, shared, shared} {
			mask := image.NewAlpha(image.Rect(0, 0, 48, 40))
			for i := range mask.Pix {
				switch rng.IntN(4) {
				case 0: // stays 0, as most of a glyph
				case 1:
					mask.Pix[i] = 255
				default:
					mask.Pix[i] = uint8(rng.IntN(256))
				}
			}
			got := image.NewRGBA(image.Rect(0, 0, 48, 40))
			for i := range got.Pix {
				// A plain background, with noise here and there.
				got.Pix[i] = []uint8{250, 240, 230, 255}[i%4]
				if rng.IntN(8) == 0 || i%4 == 3 {
					got.Pix[i] = uint8(rng.IntN(256))
				}
				if i%4 == 3 {
					got.Pix[i] = 255
				}
			}
			want := image.NewRGBA(got.Rect)
			copy(want.Pix, got.Pix)
			maskOver(got, tc.r, mask, tc.mp, tc.col, tabs)
			draw.DrawMask(want, tc.r, &image.Uniform{C: tc.col}, image.Point{}, mask, tc.mp, draw.Over)
			for i := range got.Pix {
				if d := int(got.Pix[i]) - int(want.Pix[i]); d < -1 || d > 1 {
					t.Fatalf("%s, tables %v: byte %d (pixel %d,%d): got %d, image/draw %d", tc.name, tabs != nil, i, i/4%48, i/4/48, got.Pix[i], want.Pix[i])
				}
			}
		}
	}
}

// TestFillRect: fillRect paints exactly r ∩ bounds.
func TestFillRect(t *testing.T) {
	col := color.RGBA{1, 2, 3, 255}
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, 10, 10), image.Rect(3, 2, 4, 3), image.Rect(5, 1, 17, 9),
		image.Rect(-5, -5, 3, 2), image.Rect(8, 8, 30, 30), image.Rect(4, 4, 4, 8),
	} {
		got := image.NewRGBA(image.Rect(0, 0, 10, 10))
		want := image.NewRGBA(got.Rect)
		fillRect(got, r, col)
		draw.Draw(want, r, &image.Uniform{C: col}, image.Point{}, draw.Src)
		if string(got.Pix) != string(want.Pix) {
			t.Errorf("fillRect(%v) differs from image/draw", r)
		}
	}
}

// TestDisc: the disc's coverage sums to its area, is full at the centre
// and empty at the square's corners, and its four quadrants mirror.
func TestDisc(t *testing.T) {
	for _, rad := range []int{1, 2, 5, 12, 40} {
		d := disc(rad)
		n := 2 * rad
		sum := 0.0
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				a := d.AlphaAt(x, y).A
				sum += float64(a) / 255
				if a != d.AlphaAt(n-1-x, y).A || a != d.AlphaAt(x, n-1-y).A {
					t.Fatalf("rad %d: (%d,%d) not mirrored", rad, x, y)
				}
			}
		}
		if area := math.Pi * float64(rad*rad); math.Abs(sum-area) > 0.02*area+1 {
			t.Errorf("rad %d: coverage %.1f, want the area %.1f", rad, sum, area)
		}
		if rad >= 5 && (d.AlphaAt(rad, rad).A != 255 || d.AlphaAt(0, 0).A != 0) {
			t.Errorf("rad %d: centre %d, corner %d; want 255, 0", rad, d.AlphaAt(rad, rad).A, d.AlphaAt(0, 0).A)
		}
	}
}
