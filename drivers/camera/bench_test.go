package camera

import (
	"image"
	"testing"
)

func benchYUYV() []byte {
	return yuyv(640, 480, 1280, func(x, y int) (uint8, uint8, uint8) { return uint8(x ^ y), uint8(x), uint8(y) })
}

func BenchmarkYUYVToGray640x480(b *testing.B) {
	src := benchYUYV()
	dst := image.NewGray(image.Rect(0, 0, 640, 480))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if err := YUYVToGray(dst, src, 1280); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYUYVToRGBA640x480(b *testing.B) {
	src := benchYUYV()
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if err := YUYVToRGBA(dst, src, 1280, Limited); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPooledFrame640x480Gray is a driver's whole per-frame path:
// pool, convert, offer, release.
func BenchmarkPooledFrame640x480Gray(b *testing.B) {
	src := benchYUYV()
	f := Format{Width: 640, Height: 480, Encoding: YUYV, Pixels: Gray}
	p, err := NewPool(2, f, 0)
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewConverter(f, 1280)
	if err != nil {
		b.Fatal(err)
	}
	ch := make(chan *Frame, 1)
	b.ReportAllocs()
	for b.Loop() {
		fr := p.Get()
		if err := c.Convert(fr, src); err != nil {
			b.Fatal(err)
		}
		Offer(ch, fr)
		(<-ch).Release()
	}
}
