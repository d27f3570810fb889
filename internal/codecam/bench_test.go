package codecam

import (
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"payterm/internal/latency"
)

// benchFrames are a frame with a QR payment code (160 px, turned 15°,
// blurred, noisy) and one without any code.
func benchFrames(b *testing.B) (withQR, without *image.Gray) {
	rng := rand.New(rand.NewPCG(1, 1))
	withQR = scene(7)
	placeQR(b, withQR, code18(rng), 160, 300, 220, 15)
	blur(withQR, 1)
	noisy(withQR, 8, 9)
	without = scene(8)
	noisy(without, 8, 10)
	return withQR, without
}

// decodes runs r over g b.N times, wanting a code or not, and reports
// the p50 and p99 in milliseconds (make bench reads p50-ms; the machine
// is shared, so the median says more than the mean).
func decodes(b *testing.B, g *image.Gray, want bool) {
	r := NewReader(Options{})
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		_, ok := r.Decode(g)
		lat = append(lat, time.Since(t0))
		if ok != want {
			b.Fatalf("read a code: %v, want %v", ok, want)
		}
	}
	latency.Report(b, lat)
}

// BenchmarkDecodeQR640x480: one camera frame holding a QR payment code,
// decoded (goal ≤ 4 ms).
func BenchmarkDecodeQR640x480(b *testing.B) {
	g, _ := benchFrames(b)
	decodes(b, g, true)
}

// BenchmarkDecodeNothing640x480: a frame without a code, the common case
// while the customer finds the code on the phone: the QR passes (half
// and full size) and the Code 128 lines all come back empty. This is
// the reader's cost per frame while it waits.
func BenchmarkDecodeNothing640x480(b *testing.B) {
	_, g := benchFrames(b)
	decodes(b, g, false)
}
