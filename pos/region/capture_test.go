package region_test

import (
	"image"
	"image/color"
	"testing"

	"payterm/pos/region"
	"payterm/pos/region/xvfbtest"
)

// pattern is an image whose every pixel differs from its neighbours in
// all three channels, so a swapped channel or a shifted row shows.
func pattern(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x*3 + y*11), 0xff})
		}
	}
	return img
}

func TestCaptureUnderXvfb(t *testing.T) {
	for _, depth := range []int{24, 16} {
		t.Run(map[int]string{24: "depth24", 16: "depth16"}[depth], func(t *testing.T) {
			display := xvfbtest.Start(t, 1280, 800, depth)
			src := pattern(301, 157) // odd width: row padding matters
			at := image.Pt(123, 45)
			xvfbtest.Show(t, display, src, at)
			scr, err := region.Open(display)
			if err != nil {
				t.Fatal(err)
			}
			defer scr.Close()
			if scr.Size() != image.Pt(1280, 800) {
				t.Fatalf("screen size %v", scr.Size())
			}
			got, err := scr.Capture(image.Rectangle{Min: at, Max: at.Add(src.Bounds().Size())})
			if err != nil {
				t.Fatal(err)
			}
			// 16-bit depth keeps 5-6-5 bits: compare the bits it keeps.
			keep := [3]uint8{0xff, 0xff, 0xff}
			if depth == 16 {
				keep = [3]uint8{0xf8, 0xfc, 0xf8}
			}
			for y := 0; y < 157; y++ {
				for x := 0; x < 301; x++ {
					s, g := src.RGBAAt(x, y), got.RGBAAt(x, y)
					if s.R&keep[0] != g.R&keep[0] || s.G&keep[1] != g.G&keep[1] || s.B&keep[2] != g.B&keep[2] || g.A != 0xff {
						t.Fatalf("pixel (%d,%d): captured %v, shown %v", x, y, g, s)
					}
				}
			}
			if _, err := scr.Capture(image.Rect(1200, 700, 1300, 820)); err == nil {
				t.Error("a rectangle off the screen was captured")
			}
		})
	}
}

func TestToRGBA(t *testing.T) {
	want := color.RGBA{0x12, 0x34, 0x56, 0xff}
	tests := []struct {
		name string
		f    region.PixelFormat
		px   []byte // one pixel, padded to the scanline
	}{
		{"32bpp LSB", region.PixelFormat{BitsPerPixel: 32, ScanlinePad: 32, Red: 0xff0000, Green: 0xff00, Blue: 0xff}, []byte{0x56, 0x34, 0x12, 0}},
		{"32bpp MSB", region.PixelFormat{BitsPerPixel: 32, ScanlinePad: 32, MSBFirst: true, Red: 0xff0000, Green: 0xff00, Blue: 0xff}, []byte{0, 0x12, 0x34, 0x56}},
		{"24bpp LSB", region.PixelFormat{BitsPerPixel: 24, ScanlinePad: 32, Red: 0xff0000, Green: 0xff00, Blue: 0xff}, []byte{0x56, 0x34, 0x12, 0}},
		{"24bpp MSB", region.PixelFormat{BitsPerPixel: 24, ScanlinePad: 32, MSBFirst: true, Red: 0xff0000, Green: 0xff00, Blue: 0xff}, []byte{0x12, 0x34, 0x56, 0}},
		{"32bpp BGR masks", region.PixelFormat{BitsPerPixel: 32, ScanlinePad: 32, Red: 0xff, Green: 0xff00, Blue: 0xff0000}, []byte{0x12, 0x34, 0x56, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(append([]byte{}, tt.px...), tt.px...) // two rows of one pixel
			img, err := tt.f.ToRGBA(data, 1, 2)
			if err != nil {
				t.Fatal(err)
			}
			if got := img.RGBAAt(0, 1); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	if _, err := (region.PixelFormat{BitsPerPixel: 32, ScanlinePad: 32, Red: 0xff0000, Green: 0xff00, Blue: 0xff}).ToRGBA(make([]byte, 7), 1, 2); err == nil {
		t.Error("short data accepted")
	}
}
