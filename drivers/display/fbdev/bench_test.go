package fbdev

import (
	"image"
	"math/rand/v2"
	"testing"
)

// BenchmarkDraw measures converting RGBA into framebuffer memory at the
// reference panel size: a whole frame, and a button-sized damage rectangle.
func BenchmarkDraw(b *testing.B) {
	const w, h = 1280, 800
	formats := []pixelCase{pixelCases[0], pixelCases[1], pixelCases[6]}
	damages := []struct {
		name string
		rect image.Rectangle
	}{
		{"full", image.Rect(0, 0, w, h)},
		{"small", image.Rect(600, 380, 600+160, 380+48)},
	}
	for _, pc := range formats {
		for _, dm := range damages {
			b.Run(pc.name+"/"+dm.name, func(b *testing.B) {
				v, f := screen(pc, w, h, 0, 1)
				fb := openFake(b, newFake(b, v, f))
				defer fb.Halt()
				src := randomFrame(rand.New(rand.NewPCG(1, 2)), w, h)
				damage := []image.Rectangle{dm.rect}
				b.SetBytes(int64(dm.rect.Dx() * dm.rect.Dy() * 4))
				for b.Loop() {
					if err := fb.Draw(src, damage); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
