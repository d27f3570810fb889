package codecam

import (
	"image"
	"testing"
)

// FuzzDecode feeds arbitrary pictures to the reader: it must never
// panic (the decoder library's own panics are caught and counted; the
// fuzzer flags those too), and whatever it returns must be a valid code.
func FuzzDecode(f *testing.F) {
	f.Add(uint16(64), uint16(48), []byte{0, 255, 0, 255})
	f.Add(uint16(640), uint16(480), []byte{128})
	f.Add(uint16(41), uint16(400), []byte{1, 2, 3, 200, 201, 7})
	g := scene(9)
	placeQR(f, g, "134567890123456789", 120, 320, 240, 30)
	f.Add(uint16(640), uint16(480), g.Pix)
	r := NewReader(Options{})
	f.Fuzz(func(t *testing.T, w, h uint16, pix []byte) {
		w, h = w%800, h%800
		img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
		if len(pix) > 0 {
			for i := range img.Pix {
				img.Pix[i] = pix[i%len(pix)]
			}
		}
		before := r.Panics
		code, ok := r.Decode(img)
		if r.Panics != before {
			t.Fatalf("the decoder panicked on a %dx%d picture", w, h)
		}
		if ok && !PaymentCode(code) {
			t.Fatalf("returned %q, not a payment code", code)
		}
	})
}
