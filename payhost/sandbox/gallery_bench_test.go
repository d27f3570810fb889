package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"payterm/payhost/facerec"
)

// randomFace is a descriptor of norm ≈ 1, like the network's (whose
// distances between strangers are 0.7–1.0).
func randomFace(rng *rand.Rand) facerec.Descriptor {
	var d facerec.Descriptor
	var n float64
	for i := range d {
		v := rng.NormFloat64()
		d[i] = float32(v)
		n += v * v
	}
	for i := range d {
		d[i] /= float32(math.Sqrt(n))
	}
	return d
}

// BenchmarkSearch10000: one 1:N identification against 10 000 enrolled
// faces (the in-memory gallery, brute force in float32).
func BenchmarkSearch10000(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var g gallery
	for i := range 10000 {
		g.add(fmt.Sprintf("acct-%06d", i/2), randomFace(rng)) // two faces per account
	}
	probe := randomFace(rng)
	for b.Loop() {
		if near := g.nearest(probe); len(near) > 3 {
			b.Fatalf("%d accounts near a random face", len(near))
		}
	}
}

// TestGalleryNearest: each account once, nearest first, with its best
// face's exact distance; far faces left out.
func TestGalleryNearest(t *testing.T) {
	var a, b, c facerec.Descriptor
	a[0], b[0], c[0] = 0.1, 0.3, 2
	var g gallery
	g.add("far", c)
	g.add("two", b)
	g.add("one", a)
	g.add("two", a) // two's best is now 0.1 away too
	var probe facerec.Descriptor
	near := g.nearest(probe)
	if len(near) != 2 || near[0].account != "one" || near[1].account != "two" ||
		math.Abs(near[0].distance-0.1) > 1e-6 || math.Abs(near[1].distance-0.1) > 1e-6 {
		t.Fatalf("nearest = %+v", near)
	}
}
