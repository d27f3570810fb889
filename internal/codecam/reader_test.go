package codecam

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"
)

// TestQRInFrame: a sandbox payment code shown as a QR code of at least
// 120 pixels, turned, out of focus and noisy, is read from every frame.
func TestQRInFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 5))
	r := NewReader(Options{})
	for _, side := range []int{120, 160, 240} {
		for _, deg := range []float64{0, 15, 30, 45, 90, 200} {
			for _, rad := range []int{0, 1, 2} {
				for _, amp := range []int{0, 12} {
					name := fmt.Sprintf("%dpx/%v°/blur%d/noise%d", side, deg, rad, amp)
					code := code18(rng)
					g := scene(rng.Uint64())
					placeQR(t, g, code, side, 200+rng.Float64()*240, 160+rng.Float64()*160, deg)
					blur(g, rad)
					noisy(g, amp, rng.Uint64())
					got, ok := r.Decode(g)
					if !ok || got != code {
						t.Errorf("%s: got %q, %v; want %s", name, got, ok, code)
					}
				}
			}
		}
	}
}

// TestCode128InFrame: the same code as a bar code across a phone held
// close (3 pixels a module), level, tilted, upright and upside down, out
// of focus and noisy, is read within barPhases frames of holding it
// still.
func TestCode128InFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 8))
	for _, deg := range []float64{0, 8, 90, 94, 180} {
		for _, rad := range []int{0, 1} {
			name := fmt.Sprintf("%v°/blur%d", deg, rad)
			code := code18(rng)
			g := scene(rng.Uint64())
			place(g, barsOf(t, code, 50), 320, 240, 3, deg)
			blur(g, rad)
			noisy(g, 8, rng.Uint64())
			r := NewReader(Options{})
			var got string
			var ok bool
			for range barPhases {
				if got, ok = r.Decode(g); ok {
					break
				}
			}
			if !ok || got != code {
				t.Errorf("%s: got %q, %v; want %s", name, got, ok, code)
			}
		}
	}
}

// TestNothingToRead: frames without a code, or with codes that are not
// payment codes, give nothing.
func TestNothingToRead(t *testing.T) {
	r := NewReader(Options{})
	withQR := func(text string) *image.Gray {
		g := scene(3)
		placeQR(t, g, text, 200, 320, 240, 10)
		return g
	}
	withBars := func(text string) *image.Gray {
		g := scene(4)
		place(g, barsOf(t, text, 50), 320, 240, 3, 0)
		return g
	}
	flat := image.NewGray(image.Rect(0, 0, frameW, frameH))
	for _, tt := range []struct {
		name string
		img  *image.Gray
	}{
		{"empty scene", scene(1)},
		{"flat black", flat},
		{"tiny", image.NewGray(image.Rect(0, 0, 8, 8))},
		{"nil", nil},
		{"URL in a QR code", withQR("https://example.com/pay?id=134567890123456789")},
		{"too short", withQR("1345678901234")},
		{"too long", withQR("1345678901234567890123456")},
		{"digits and a letter", withQR("13456789012345678X")},
		{"parcel label", withBars("PKG-2024-0001")},
	} {
		if code, ok := r.Decode(tt.img); ok {
			t.Errorf("%s: read %q", tt.name, code)
		}
	}
}

// TestValidOption: a reader told what is valid hands that on.
func TestValidOption(t *testing.T) {
	g := scene(5)
	placeQR(t, g, "hello", 160, 320, 240, 0)
	r := NewReader(Options{Valid: func(s string) bool { return s == "hello" }})
	if got, ok := r.Decode(g); !ok || got != "hello" {
		t.Fatalf("got %q, %v", got, ok)
	}
}

// TestSubImage: a region of a larger picture (a crop, a stride wider
// than the width) reads the same.
func TestSubImage(t *testing.T) {
	g := scene(6)
	placeQR(t, g, "134000000000000042", 160, 400, 300, 20)
	sub := g.SubImage(image.Rect(200, 100, 620, 470)).(*image.Gray)
	if got, ok := NewReader(Options{}).Decode(sub); !ok || got != "134000000000000042" {
		t.Fatalf("got %q, %v", got, ok)
	}
}

func TestPaymentCode(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"134567890123456789", true},
		{"2812345678901234", true},
		{"281234567890123456789012", true},
		{"281234567890123", false},
		{"2812345678901234567890123", false},
		{"13456789012345678a", false},
		{"", false},
		{"１３４５６７８９０１２３４５６７８９", false}, // full-width digits
	} {
		if got := PaymentCode(tt.s); got != tt.want {
			t.Errorf("PaymentCode(%q) = %v", tt.s, got)
		}
	}
}
