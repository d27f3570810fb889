package camera

import (
	"testing"
)

func TestPoolLendsEachFrameOnce(t *testing.T) {
	p, err := NewPool(3, Format{Width: 4, Height: 2, Encoding: YUYV, Pixels: Gray}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Frame
	for range 3 {
		f := p.Get()
		if f == nil {
			t.Fatal("pool empty too soon")
		}
		if len(f.buf) != 8 {
			t.Fatalf("gray 4x2 buffer of %d bytes", len(f.buf))
		}
		out = append(out, f)
	}
	if p.Get() != nil {
		t.Fatal("fourth frame from a pool of three")
	}
	out[0].Release()
	out[0].Release() // a second release must not hand the frame out twice
	a, b := p.Get(), p.Get()
	if a != out[0] || b != nil {
		t.Fatalf("after one release (twice): got %p and %p, want %p and nil", a, b, out[0])
	}
}

func TestNewPoolRejectsBadFormats(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		f       Format
		rawSize int
	}{
		{"no frames", 0, Format{Width: 4, Height: 2, Encoding: YUYV, Pixels: Gray}, 0},
		{"no size", 2, Format{Encoding: YUYV, Pixels: Gray}, 0},
		{"huge", 2, Format{Width: 1 << 20, Height: 1 << 20, Encoding: YUYV, Pixels: RGBA}, 0},
		{"raw without size", 2, Format{Width: 4, Height: 2, Encoding: MJPEG, Pixels: Raw}, 0},
		{"unknown pixels", 2, Format{Width: 4, Height: 2, Encoding: YUYV, Pixels: 9}, 0},
	}
	for _, tt := range tests {
		if _, err := NewPool(tt.n, tt.f, tt.rawSize); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestOfferKeepsOnlyTheNewest(t *testing.T) {
	p, err := NewPool(3, Format{Width: 2, Height: 1, Encoding: YUYV, Pixels: Gray}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *Frame, 1)
	first, second := p.Get(), p.Get()
	Offer(ch, first)
	Offer(ch, second)
	if got := <-ch; got != second {
		t.Fatal("consumer did not get the newest frame")
	}
	if p.Free() != 2 {
		t.Fatalf("replaced frame not released: %d free, want 2", p.Free())
	}
	second.Release()
	Offer(ch, p.Get())
	Drain(ch)
	if p.Free() != 3 {
		t.Fatalf("Drain left frames out: %d free, want 3", p.Free())
	}
}

// TestConvertAllocatesNothing is the pooled path a driver runs per frame:
// take a frame, convert, hand it over, get it back.
func TestConvertAllocatesNothing(t *testing.T) {
	for _, pix := range []PixelFormat{Gray, RGBA, Raw} {
		f := Format{Width: 64, Height: 48, Encoding: YUYV, Pixels: pix}
		src := yuyv(64, 48, 128, func(x, y int) (uint8, uint8, uint8) { return uint8(x + y), 100, 150 })
		p, err := NewPool(2, f, len(src))
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewConverter(f, 128)
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan *Frame, 1)
		allocs := testing.AllocsPerRun(100, func() {
			fr := p.Get()
			if err := c.Convert(fr, src); err != nil {
				t.Fatal(err)
			}
			Offer(ch, fr)
			(<-ch).Release()
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per frame, want 0", pix, allocs)
		}
	}
}
