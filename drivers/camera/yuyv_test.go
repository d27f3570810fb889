package camera

import (
	"image"
	"image/color"
	"testing"
)

// yuyv packs pixel pairs (Y0, Cb, Y1, Cr) into rows of stride bytes.
func yuyv(w, h, stride int, px func(x, y int) (Y, Cb, Cr uint8)) []byte {
	b := make([]byte, stride*h)
	for y := range h {
		for x := 0; x < w; x += 2 {
			y0, cb, cr := px(x, y)
			y1, _, _ := px(x+1, y)
			o := y*stride + 2*x
			b[o], b[o+1], b[o+2], b[o+3] = y0, cb, y1, cr
		}
	}
	return b
}

func TestYUYVToRGBATable(t *testing.T) {
	tests := []struct {
		name                string
		r                   Range
		y, cb, cr           uint8
		wantR, wantG, wantB uint8
	}{
		{"limited black", Limited, 16, 128, 128, 0, 0, 0},
		{"limited white", Limited, 235, 128, 128, 255, 255, 255},
		{"limited mid gray", Limited, 126, 128, 128, 128, 128, 128},
		{"limited footroom clamps", Limited, 0, 128, 128, 0, 0, 0},
		{"limited headroom clamps", Limited, 255, 128, 128, 255, 255, 255},
		{"limited red", Limited, 81, 90, 240, 255, 0, 0},
		{"limited green", Limited, 145, 54, 34, 0, 255, 0},
		{"limited blue", Limited, 41, 240, 110, 0, 0, 255},
		{"full black", Full, 0, 128, 128, 0, 0, 0},
		{"full white", Full, 255, 128, 128, 255, 255, 255},
		{"full red", Full, 76, 85, 255, 254, 0, 0},
		{"full extreme chroma clamps", Full, 255, 255, 255, 255, 121, 255},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := yuyv(2, 1, 4, func(int, int) (uint8, uint8, uint8) { return tt.y, tt.cb, tt.cr })
			dst := image.NewRGBA(image.Rect(0, 0, 2, 1))
			if err := YUYVToRGBA(dst, src, 4, tt.r); err != nil {
				t.Fatal(err)
			}
			for x := range 2 {
				got := dst.RGBAAt(x, 0)
				if !near(got.R, tt.wantR) || !near(got.G, tt.wantG) || !near(got.B, tt.wantB) || got.A != 255 {
					t.Fatalf("pixel %d = %v, want ≈(%d,%d,%d,255)", x, got, tt.wantR, tt.wantG, tt.wantB)
				}
			}
		})
	}
}

// near allows the one-step rounding differences of fixed point.
func near(a, b uint8) bool { return a == b || a == b+1 || a+1 == b }

func TestYUYVToRGBAFullMatchesStdlib(t *testing.T) {
	// image/color's YCbCr model is JFIF full range.
	for y := 0; y < 256; y += 5 {
		for cb := 0; cb < 256; cb += 15 {
			for cr := 0; cr < 256; cr += 15 {
				src := []byte{uint8(y), uint8(cb), uint8(y), uint8(cr)}
				dst := image.NewRGBA(image.Rect(0, 0, 2, 1))
				if err := YUYVToRGBA(dst, src, 4, Full); err != nil {
					t.Fatal(err)
				}
				r, g, b := color.YCbCrToRGB(uint8(y), uint8(cb), uint8(cr))
				got := dst.RGBAAt(1, 0)
				if !near(got.R, r) || !near(got.G, g) || !near(got.B, b) {
					t.Fatalf("Y%d Cb%d Cr%d: got %v, stdlib (%d,%d,%d)", y, cb, cr, got, r, g, b)
				}
			}
		}
	}
}

func TestYUYVToRGBALimitedMatchesFormula(t *testing.T) {
	clamp := func(v float64) uint8 {
		switch {
		case v < 0:
			return 0
		case v > 255:
			return 255
		}
		return uint8(v + 0.5)
	}
	for y := 0; y < 256; y += 7 {
		for cb := 0; cb < 256; cb += 17 {
			for cr := 0; cr < 256; cr += 17 {
				Y, U, V := 255.0/219*float64(y-16), 255.0/224*float64(cb-128), 255.0/224*float64(cr-128)
				r := clamp(Y + 1.402*V)
				g := clamp(Y - 0.344136*U - 0.714136*V)
				b := clamp(Y + 1.772*U)
				dst := image.NewRGBA(image.Rect(0, 0, 2, 1))
				if err := YUYVToRGBA(dst, []byte{uint8(y), uint8(cb), uint8(y), uint8(cr)}, 4, Limited); err != nil {
					t.Fatal(err)
				}
				got := dst.RGBAAt(0, 0)
				if !near(got.R, r) || !near(got.G, g) || !near(got.B, b) {
					t.Fatalf("Y%d Cb%d Cr%d: got %v, formula (%d,%d,%d)", y, cb, cr, got, r, g, b)
				}
			}
		}
	}
}

func TestYUYVToGray(t *testing.T) {
	tests := []struct {
		name      string
		w, h      int
		stride    int
		dstOrigin image.Point
	}{
		{"packed", 8, 3, 16, image.Point{}},
		{"padded rows", 6, 2, 20, image.Point{}},
		{"width not a multiple of four", 10, 2, 20, image.Point{}},
		{"odd width", 5, 2, 12, image.Point{}},
		{"one pixel", 1, 1, 4, image.Point{}},
		{"sub-image destination", 4, 2, 8, image.Pt(3, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			luma := func(x, y int) uint8 { return uint8(17*x + 31*y + 1) }
			src := yuyv(tt.w+tt.w%2, tt.h, tt.stride, func(x, y int) (uint8, uint8, uint8) {
				return luma(x, y), 200, 50
			})
			full := image.NewGray(image.Rect(0, 0, tt.w+tt.dstOrigin.X+2, tt.h+tt.dstOrigin.Y+1))
			dst := full.SubImage(image.Rectangle{Min: tt.dstOrigin, Max: tt.dstOrigin.Add(image.Pt(tt.w, tt.h))}).(*image.Gray)
			if err := YUYVToGray(dst, src, tt.stride); err != nil {
				t.Fatal(err)
			}
			for y := range full.Rect.Dy() {
				for x := range full.Rect.Dx() {
					in := image.Pt(x, y).In(dst.Rect)
					got := full.GrayAt(x, y).Y
					want := uint8(0)
					if in {
						want = luma(x-tt.dstOrigin.X, y-tt.dstOrigin.Y)
					}
					if got != want {
						t.Fatalf("(%d,%d) = %d, want %d", x, y, got, want)
					}
				}
			}
		})
	}
}

func TestYUYVShortBuffersAreErrors(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		stride int
		w, h   int
	}{
		{"one byte short", 4*2*3 - 1, 8, 4, 3},
		{"stride under width", 100, 6, 4, 3},
		{"empty", 0, 8, 4, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := make([]byte, tt.n)
			if err := YUYVToGray(image.NewGray(image.Rect(0, 0, tt.w, tt.h)), src, tt.stride); err == nil {
				t.Error("gray: no error")
			}
			if err := YUYVToRGBA(image.NewRGBA(image.Rect(0, 0, tt.w, tt.h)), src, tt.stride, Limited); err == nil {
				t.Error("RGBA: no error")
			}
		})
	}
	// The last row needs only its pixels, not a whole stride.
	if err := YUYVToGray(image.NewGray(image.Rect(0, 0, 4, 3)), make([]byte, 2*16+8), 16); err != nil {
		t.Errorf("exact size: %v", err)
	}
	if err := YUYVToRGBA(image.NewRGBA(image.Rect(0, 0, 3, 1)), make([]byte, 8), 8, Limited); err == nil {
		t.Error("odd RGBA width: no error")
	}
}
