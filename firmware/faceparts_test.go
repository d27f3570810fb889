package main

import (
	"testing"

	"payterm/firmware/checkout"
	"payterm/internal/face"
)

// TestFaceHintsOneToOne: every guidance of the pipeline has its own hint
// on the face screen, and no face means "look at the camera".
func TestFaceHintsOneToOne(t *testing.T) {
	seen := map[checkout.FaceHint]face.Guidance{}
	for g := face.NoFace; g <= face.Ready; g++ {
		h := faceHint(g)
		if prev, dup := seen[h]; dup {
			t.Errorf("%v and %v both show %v", prev, g, h)
		}
		seen[h] = g
	}
	if faceHint(face.NoFace) != checkout.FaceLook || faceHint(face.Ready) != checkout.FaceReady {
		t.Errorf("no face → %v, ready → %v", faceHint(face.NoFace), faceHint(face.Ready))
	}
}
