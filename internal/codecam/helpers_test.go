package codecam

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"payterm/internal/codecam/codecamtest"
)

// Frame size of the tests: what the firmware asks the camera for.
const frameW, frameH = 640, 480

// The drawing lives in codecamtest; these wrap it for the tests here.
func qrOf(tb testing.TB, text string) *gozxing.BitMatrix {
	tb.Helper()
	m, err := codecamtest.QR(text)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func barsOf(tb testing.TB, text string, h int) *gozxing.BitMatrix {
	tb.Helper()
	m, err := codecamtest.Bars(text, h)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func scene(seed uint64) *image.Gray { return codecamtest.Scene(frameW, frameH, seed) }

func place(g *image.Gray, m *gozxing.BitMatrix, cx, cy, scale, deg float64) {
	codecamtest.Place(g, m, cx, cy, scale, deg)
}

func blur(g *image.Gray, r int)                 { codecamtest.Blur(g, r) }
func noisy(g *image.Gray, amp int, seed uint64) { codecamtest.Noise(g, amp, seed) }

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
	place(g, m, cx, cy, codecamtest.QRScale(m, side), deg)
}
