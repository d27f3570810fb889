package camera

import (
	"image"
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
		inDst  bool // converted into dst rather than viewed
		approx int  // tolerance from the YUYV luma, after range scaling
	}{
		{Gray, false, 0},
		{Raw, true, 0},
		{RGBA, true, 1},
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
		if (g == dst) != tt.inDst {
			t.Errorf("%v: converted into dst = %v, want %v", tt.px, g == dst, tt.inDst)
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

func TestLumaRefusesWhatItCannotRead(t *testing.T) {
	if Luma(nil, nil) != nil {
		t.Error("nil frame")
	}
	jpeg := &Frame{Pixels: Raw, Width: 4, Height: 4, Pix: []byte{0xff, 0xd8}}
	if Luma(jpeg, nil) != nil {
		t.Error("raw JPEG read as luma")
	}
	short := &Frame{Pixels: Gray, Width: 4, Height: 4, Stride: 4, Pix: make([]byte, 10)}
	if Luma(short, nil) != nil {
		t.Error("short gray frame")
	}
	shortYUYV := &Frame{Pixels: Raw, Width: 4, Height: 4, Stride: 8, Pix: make([]byte, 10)}
	if Luma(shortYUYV, nil) != nil {
		t.Error("short YUYV frame")
	}
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
