package codecam

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Frame size of the tests: what the firmware asks the camera for.
const frameW, frameH = 640, 480

// Ink and paper as a phone screen looks to a camera: never pure black
// or white.
const ink, paper = 40, 210

// qrQuiet is the quiet zone, in modules, QR codes are encoded with.
const qrQuiet = 4

// qrOf encodes text as a QR code, one pixel a module, the quiet zone
// included; place scales it (see qrScale).
func qrOf(tb testing.TB, text string) *gozxing.BitMatrix {
	tb.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: qrQuiet})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// qrScale is the pixels a module for QR code m to be side pixels wide,
// the symbol itself without its quiet zone.
func qrScale(m *gozxing.BitMatrix, side int) float64 {
	return float64(side) / float64(m.GetWidth()-2*qrQuiet)
}

// barsOf encodes text as Code 128, one pixel a module, h high, with
// the standard's quiet zone of ten modules each side (a phone shows the
// code on a white screen).
func barsOf(tb testing.TB, text string, h int) *gozxing.BitMatrix {
	tb.Helper()
	m, err := oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 0, h,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 20}) // both sides together
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// scene is a camera frame without a code: a soft gradient with some
// texture, like a counter top in uneven light.
func scene(seed uint64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, frameW, frameH))
	rng := rand.New(rand.NewPCG(seed, 1))
	for y := range frameH {
		for x := range frameW {
			v := 70 + 60*x/frameW + 40*y/frameH + rng.IntN(9)
			g.Pix[y*g.Stride+x] = uint8(v)
		}
	}
	return g
}

// place draws m into g centred at (cx, cy), scale pixels a module and
// turned by deg degrees, with the matrix's white as paper. Each pixel is
// the mean of 4×4 samples, as a lens would blend module edges.
func place(g *image.Gray, m *gozxing.BitMatrix, cx, cy, scale, deg float64) {
	mw, mh := float64(m.GetWidth())*scale, float64(m.GetHeight())*scale
	sin, cos := math.Sincos(deg * math.Pi / 180)
	half := math.Hypot(mw, mh) / 2
	x0, x1 := int(cx-half)-1, int(cx+half)+1
	y0, y1 := int(cy-half)-1, int(cy+half)+1
	const ss = 4
	for y := max(y0, 0); y < min(y1, frameH); y++ {
		for x := max(x0, 0); x < min(x1, frameW); x++ {
			in, sum := 0, 0
			for sy := range ss {
				for sx := range ss {
					dx := float64(x) + (float64(sx)+0.5)/ss - cx
					dy := float64(y) + (float64(sy)+0.5)/ss - cy
					// Screen → matrix: undo the rotation.
					u := cos*dx - sin*dy + mw/2
					v := sin*dx + cos*dy + mh/2
					if u < 0 || v < 0 || u >= mw || v >= mh {
						continue
					}
					in++
					if m.Get(int(u/scale), int(v/scale)) {
						sum += ink
					} else {
						sum += paper
					}
				}
			}
			if in > 0 {
				bg := int(g.Pix[y*g.Stride+x])
				g.Pix[y*g.Stride+x] = uint8((sum + bg*(ss*ss-in)) / (ss * ss))
			}
		}
	}
}

// blur is a box blur of radius r, as an out-of-focus lens.
func blur(g *image.Gray, r int) {
	if r <= 0 {
		return
	}
	tmp := make([]byte, len(g.Pix))
	pass := func(dst, src []byte, horiz bool) {
		for y := range frameH {
			for x := range frameW {
				sum, n := 0, 0
				for d := -r; d <= r; d++ {
					xx, yy := x, y
					if horiz {
						xx += d
					} else {
						yy += d
					}
					if xx < 0 || yy < 0 || xx >= frameW || yy >= frameH {
						continue
					}
					sum += int(src[yy*frameW+xx])
					n++
				}
				dst[y*frameW+x] = uint8(sum / n)
			}
		}
	}
	pass(tmp, g.Pix, true)
	pass(g.Pix, tmp, false)
}

// noisy adds uniform sensor noise of ±amp.
func noisy(g *image.Gray, amp int, seed uint64) {
	if amp <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	for i, v := range g.Pix {
		g.Pix[i] = uint8(min(max(int(v)+rng.IntN(2*amp+1)-amp, 0), 255))
	}
}

// code18 is a sandbox-shaped payment code: 18 digits starting 13.
func code18(rng *rand.Rand) string {
	b := []byte("13")
	for len(b) < 18 {
		b = append(b, byte('0'+rng.IntN(10)))
	}
	return string(b)
}

// placeQR draws text as a QR code whose symbol is side pixels wide.
func placeQR(tb testing.TB, g *image.Gray, text string, side int, cx, cy, deg float64) {
	tb.Helper()
	m := qrOf(tb, text)
	place(g, m, cx, cy, qrScale(m, side), deg)
}
