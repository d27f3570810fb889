package fbdev

import (
	"image"
	"math/rand/v2"
	"testing"
)

// bgraOf is src with red and blue exchanged in every pixel.
func bgraOf(src *image.RGBA) []byte {
	out := make([]byte, len(src.Pix))
	for i := 0; i+4 <= len(out); i += 4 {
		out[i], out[i+1], out[i+2], out[i+3] = src.Pix[i+2], src.Pix[i+1], src.Pix[i], src.Pix[i+3]
	}
	return out
}

// TestDrawBGRA: a BGRA frame lands in every pixel format exactly as the
// same frame in RGBA does, over the damage only, wider than the scratch
// run and double-buffered too; NativeBGRA is true for XRGB8888 and
// ARGB8888 only.
func TestDrawBGRA(t *testing.T) {
	const w, h, pad = 300, 5, 12 // 300 pixels: more than one scratch run
	native := map[string]bool{"xrgb8888": true, "argb8888": true}
	for _, pc := range pixelCases {
		for _, pages := range []int{1, 2} {
			t.Run(pc.name, func(t *testing.T) {
				v, f := screen(pc, w, h, pad, pages)
				d := newFake(t, v, f)
				fb := openFake(t, d)
				if got := fb.NativeBGRA(); got != native[pc.name] {
					t.Errorf("NativeBGRA = %v, want %v", got, native[pc.name])
				}
				src := randomFrame(rand.New(rand.NewPCG(3, 4)), w, h)
				rects := []image.Rectangle{image.Rect(1, 1, 299, 3), image.Rect(5, 4, 6, 5)}
				if err := fb.DrawBGRA(bgraOf(src), src.Stride, rects); err != nil {
					t.Fatal(err)
				}
				start := fb.front * h * int(f.LineLength)
				if pages == 2 {
					rects = []image.Rectangle{src.Rect} // a fresh hidden page is drawn whole
				}
				checkPage(t, pc, d.mem(), start, int(f.LineLength), src, rects)
			})
		}
	}
}

func TestDrawBGRARejectsShortFrame(t *testing.T) {
	v, f := screen(pixelCases[0], 20, 10, 0, 1)
	fb := openFake(t, newFake(t, v, f))
	if err := fb.DrawBGRA(make([]byte, 20*4*9), 20*4, nil); err == nil {
		t.Error("a frame one row short was drawn")
	}
}

// BenchmarkDrawBGRA is BenchmarkDraw's xrgb8888 panel fed a BGRA frame:
// the renderer's native format, a row copy.
func BenchmarkDrawBGRA(b *testing.B) {
	const w, h = 1280, 800
	v, f := screen(pixelCases[0], w, h, 0, 1)
	fb := openFake(b, newFake(b, v, f))
	defer fb.Halt()
	src := randomFrame(rand.New(rand.NewPCG(1, 2)), w, h)
	pix := bgraOf(src)
	b.SetBytes(int64(w * h * 4))
	for b.Loop() {
		if err := fb.DrawBGRA(pix, src.Stride, nil); err != nil {
			b.Fatal(err)
		}
	}
}
