// Package codecamtest draws camera frames holding payment codes, as a
// phone held up to a terminal's camera would show them: QR codes and
// Code 128 bars on a lit background, turned, out of focus and noisy.
// For tests of the code reader and of the terminal that uses it.
package codecamtest

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Ink and Paper are a phone screen's dark and light as a camera sees
// them: never pure black or white.
const Ink, Paper = 40, 210

// qrQuiet is the quiet zone, in modules, QR codes are drawn with.
const qrQuiet = 4

// QR encodes text as a QR code (error correction M), one pixel a
// module, its quiet zone included.
func QR(text string) (*gozxing.BitMatrix, error) {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: qrQuiet})
	if err != nil {
		return nil, fmt.Errorf("codecamtest: %w", err)
	}
	return m, nil
}

// QRScale is the pixels a module for QR code m's symbol (without its
// quiet zone) to be side pixels wide.
func QRScale(m *gozxing.BitMatrix, side int) float64 {
	return float64(side) / float64(m.GetWidth()-2*qrQuiet)
}

// Bars encodes text as Code 128, one pixel a module, h high, with the
// standard's quiet zone of ten modules each side (a phone shows the code
// on a white screen).
func Bars(text string, h int) (*gozxing.BitMatrix, error) {
	m, err := oned.NewCode128Writer().Encode(text, gozxing.BarcodeFormat_CODE_128, 0, h,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 20}) // both sides together
	if err != nil {
		return nil, fmt.Errorf("codecamtest: %w", err)
	}
	return m, nil
}

// Scene is a w×h camera frame without a code: a soft gradient with some
// texture, like a counter top in uneven light.
func Scene(w, h int, seed uint64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 1))
	for y := range h {
		for x := range w {
			g.Pix[y*g.Stride+x] = uint8(70 + 60*x/w + 40*y/h + rng.IntN(9))
		}
	}
	return g
}

// Place draws m into g centred at (cx, cy), scale pixels a module and
// turned by deg degrees, with the matrix's white as Paper. Each pixel is
// the mean of 4×4 samples, as a lens blends module edges.
func Place(g *image.Gray, m *gozxing.BitMatrix, cx, cy, scale, deg float64) {
	mw, mh := float64(m.GetWidth())*scale, float64(m.GetHeight())*scale
	sin, cos := math.Sincos(deg * math.Pi / 180)
	half := math.Hypot(mw, mh) / 2
	b := g.Rect
	x0, x1 := max(int(cx-half)-1, b.Min.X), min(int(cx+half)+1, b.Max.X)
	y0, y1 := max(int(cy-half)-1, b.Min.Y), min(int(cy+half)+1, b.Max.Y)
	const ss = 4
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			in, sum := 0, 0
			for sy := range ss {
				for sx := range ss {
					dx := float64(x) + (float64(sx)+0.5)/ss - cx
					dy := float64(y) + (float64(sy)+0.5)/ss - cy
					// Frame → matrix: undo the turn.
					u := cos*dx - sin*dy + mw/2
					v := sin*dx + cos*dy + mh/2
					if u < 0 || v < 0 || u >= mw || v >= mh {
						continue
					}
					in++
					if m.Get(int(u/scale), int(v/scale)) {
						sum += Ink
					} else {
						sum += Paper
					}
				}
			}
			if in > 0 {
				o := g.PixOffset(x, y)
				g.Pix[o] = uint8((sum + int(g.Pix[o])*(ss*ss-in)) / (ss * ss))
			}
		}
	}
}

// Blur is a box blur of radius r, as an out-of-focus lens.
func Blur(g *image.Gray, r int) {
	if r <= 0 {
		return
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	src := make([]byte, w*h)
	for y := range h {
		copy(src[y*w:], g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):][:w])
	}
	tmp := make([]byte, w*h)
	pass := func(dst, src []byte, dx, dy int) {
		for y := range h {
			for x := range w {
				sum, n := 0, 0
				for d := -r; d <= r; d++ {
					xx, yy := x+d*dx, y+d*dy
					if xx < 0 || yy < 0 || xx >= w || yy >= h {
						continue
					}
					sum += int(src[yy*w+xx])
					n++
				}
				dst[y*w+x] = uint8(sum / n)
			}
		}
	}
	pass(tmp, src, 1, 0)
	pass(src, tmp, 0, 1)
	for y := range h {
		copy(g.Pix[g.PixOffset(g.Rect.Min.X, g.Rect.Min.Y+y):][:w], src[y*w:])
	}
}

// Noise adds uniform sensor noise of ±amp.
func Noise(g *image.Gray, amp int, seed uint64) {
	if amp <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	for i, v := range g.Pix {
		g.Pix[i] = uint8(min(max(int(v)+rng.IntN(2*amp+1)-amp, 0), 255))
	}
}

// QRFrame is a w×h frame holding text as a QR code whose symbol is side
// pixels wide, centred, turned deg degrees, blurred with radius blur and
// noise ±noise.
func QRFrame(text string, w, h, side int, deg float64, blur, noise int, seed uint64) (*image.Gray, error) {
	m, err := QR(text)
	if err != nil {
		return nil, err
	}
	g := Scene(w, h, seed)
	Place(g, m, float64(w)/2, float64(h)/2, QRScale(m, side), deg)
	Blur(g, blur)
	Noise(g, noise, seed+1)
	return g, nil
}
