package facerec

import "math"

// InputSize is the side of the square RGB crop the network takes.
const InputSize = 150

// Threshold is dlib's decision distance: two descriptors closer than this
// are taken to be the same person.
const Threshold = 0.6

// Descriptor is a face's 128-D embedding; its zero value matches no face.
type Descriptor [128]float32

// Distance is the Euclidean distance between a and b, accumulated in
// float64 so that it does not depend on the order of summation.
func Distance(a, b Descriptor) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
