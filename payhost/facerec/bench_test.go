package facerec_test

import (
	"testing"

	"payterm/payhost/facerec/facerectest"
)

// BenchmarkDescriptor: one 150×150 crop through the network.
func BenchmarkDescriptor(b *testing.B) {
	net := facerectest.Net(b)
	crop := facerectest.Crop(b, "obama.jpg")
	for b.Loop() {
		if _, err := net.Descriptor(crop); err != nil {
			b.Fatal(err)
		}
	}
}
