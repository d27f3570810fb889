package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// frameOf converts a YUYV picture into a frame of pixel format px.
func frameOf(t *testing.T, w, h int, px PixelFormat, src []byte) *Frame {
	t.Helper()
	f := Format{Width: w, Height: h, Encoding: YUYV, Pixels: px}
	p, err := NewPool(1, f, len(src))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewConverter(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	fr := p.Get()
	if err := c.Convert(fr, src); err != nil {
		t.Fatal(err)
	}
	return fr
}

func TestLuma(t *testing.T) {
	const w, h = 6, 4
	// Luma ramps across; chroma neutral so RGBA's luma is the same ramp
	// (scaled from limited to full range).
	src := yuyv(w, h, 2*w, func(x, y int) (uint8, uint8, uint8) { return uint8(16 + 40*x + y), 128, 128 })
	for _, tt := range []struct {
		px     PixelFormat
		approx int // tolerance from the YUYV luma, after range scaling
	}{
		{Gray, 0},
		{Raw, 0},
		{RGBA, 1},
	} {
		fr := frameOf(t, w, h, tt.px, src)
		dst := image.NewGray(image.Rect(0, 0, 1, 1))
		g := Luma(fr, dst)
		if g == nil {
			t.Fatalf("%v: nil", tt.px)
		}
		if g.Rect != image.Rect(0, 0, w, h) {
			t.Fatalf("%v: bounds %v", tt.px, g.Rect)
		}
		if g != dst {
			// Into dst, never a view of the frame: the face pipeline keeps
			// the luma after the frame went back to the pool.
			t.Errorf("%v: not converted into dst", tt.px)
		}
		for y := range h {
			for x := range w {
				want := int(16 + 40*x + y)
				if tt.px == RGBA {
					want = (want - 16) * 255 / 219
				}
				if d := int(g.GrayAt(x, y).Y) - want; d < -tt.approx-1 || d > tt.approx+1 {
					t.Fatalf("%v: (%d,%d) = %d, want %d", tt.px, x, y, g.GrayAt(x, y).Y, want)
				}
			}
		}
		fr.Release()
	}
}

// TestLumaFormats: every pixel format a camera delivers, strides wider
// than the row, an MJPEG frame decoded; malformed frames give nil; a dst
// of the right size is reused.
func TestLumaFormats(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 5)
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, rgba, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	yuv := &Frame{Pixels: Raw, Width: 8, Height: 4, Stride: 16,
		Pix: yuyv(8, 4, 16, func(x, y int) (uint8, uint8, uint8) { return uint8(16 + 20*x + y), 100, 150 })}
	gray := &Frame{Pixels: Gray, Width: 8, Height: 4, Stride: 10, Pix: make([]byte, 40)}
	for i := range gray.Pix {
		gray.Pix[i] = byte(i)
	}
	tests := []struct {
		name string
		f    *Frame
		ok   bool
		at   func(x, y int) byte // expected luma, or nil to skip
	}{
		{"gray with stride", gray, true, func(x, y int) byte { return byte(y*10 + x) }},
		{"rgba", &Frame{Pixels: RGBA, Width: 8, Height: 4, Stride: 32, Pix: rgba.Pix}, true, nil},
		{"yuyv", yuv, true, func(x, y int) byte { return yuv.Pix[y*16+2*x] }},
		{"mjpeg", &Frame{Pixels: Raw, Width: 8, Height: 4, Pix: jb.Bytes()}, true, nil},
		{"mjpeg wrong size", &Frame{Pixels: Raw, Width: 16, Height: 4, Pix: jb.Bytes()}, false, nil},
		{"broken mjpeg", &Frame{Pixels: Raw, Width: 4, Height: 4, Pix: []byte{0xff, 0xd8}}, false, nil},
		{"short yuyv", &Frame{Pixels: Raw, Width: 4, Height: 4, Stride: 8, Pix: make([]byte, 10)}, false, nil},
		{"short gray", &Frame{Pixels: Gray, Width: 4, Height: 4, Stride: 4, Pix: make([]byte, 10)}, false, nil},
		{"short stride", &Frame{Pixels: Gray, Width: 8, Height: 4, Stride: 4, Pix: make([]byte, 64)}, false, nil},
		{"huge", &Frame{Pixels: Gray, Width: 1 << 20, Height: 1, Stride: 1 << 20, Pix: make([]byte, 1<<20)}, false, nil},
		{"nil", nil, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := Luma(tc.f, nil)
			if (g != nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", g != nil, tc.ok)
			}
			if g == nil {
				return
			}
			if g.Rect != image.Rect(0, 0, tc.f.Width, tc.f.Height) {
				t.Fatalf("bounds %v", g.Rect)
			}
			if tc.at != nil {
				for y := range tc.f.Height {
					for x := range tc.f.Width {
						if g.GrayAt(x, y).Y != tc.at(x, y) {
							t.Fatalf("(%d,%d) = %d, want %d", x, y, g.GrayAt(x, y).Y, tc.at(x, y))
						}
					}
				}
			}
			if again := Luma(tc.f, g); again != g {
				t.Fatal("a right-sized dst was not reused")
			}
		})
	}
}

// FuzzLuma: any frame a driver might hand over, however malformed, gives
// a luma of the frame's size or nil, and never panics.
func FuzzLuma(f *testing.F) {
	f.Add(uint8(Gray), 4, 2, 4, make([]byte, 8))
	f.Add(uint8(RGBA), 2, 2, 8, make([]byte, 16))
	f.Add(uint8(Raw), 4, 2, 8, make([]byte, 16))
	f.Add(uint8(Raw), 8, 8, 0, []byte{0xff, 0xd8, 0xff, 0xdb})
	f.Fuzz(func(t *testing.T, px uint8, w, h, stride int, pix []byte) {
		fr := &Frame{Pixels: PixelFormat(px), Width: w, Height: h, Stride: stride, Pix: pix}
		if g := Luma(fr, nil); g != nil && g.Rect != image.Rect(0, 0, w, h) {
			t.Fatalf("bounds %v for %dx%d", g.Rect, w, h)
		}
	})
}

func TestLumaReusesDst(t *testing.T) {
	src := benchYUYV()
	fr := frameOf(t, 640, 480, Raw, src)
	defer fr.Release()
	dst := Luma(fr, nil)
	if n := testing.AllocsPerRun(10, func() { dst = Luma(fr, dst) }); n != 0 {
		t.Fatalf("%v allocations per frame", n)
	}
}
