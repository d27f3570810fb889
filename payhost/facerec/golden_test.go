package facerec_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"payterm/payhost/facerec"
	"payterm/payhost/facerec/facerectest"
)

// Tolerances against face-api's own descriptors. face-api computes in
// float32 (TensorFlow.js's cpu backend), this package in float64 with the
// bias and scale layers folded, so the last bits differ; measured on the
// test photos: max |Δ| ≤ 2e-7, cosine 1 − 1e-13 (see the log).
const (
	goldenMaxAbs = 1e-4
	goldenMinCos = 0.99999
)

// TestMatchesFaceAPI runs testdata/golden.mjs — face-api 1.7.15 itself
// under Node — on the same crops and compares every descriptor.
func TestMatchesFaceAPI(t *testing.T) {
	net := facerectest.Net(t)
	root := facerectest.RepoRoot()
	esm := filepath.Join(root, "out", "cache", "face-api-1.7.15", "package", "dist", "face-api.esm.js")
	if _, err := os.Stat(esm); err != nil {
		t.Fatalf("face-api not installed (run tools/deps.sh): %v", err)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range facerectest.HandEyes {
			if !yield(n) {
				return
			}
		}
	})
	dir := t.TempDir()
	args := []string{"testdata/golden.mjs", esm, facerec.DefaultModelDir(root)}
	var ours []facerec.Descriptor
	for _, n := range names {
		crop := facerectest.Crop(t, n)
		path := filepath.Join(dir, n+".rgb")
		if err := os.WriteFile(path, facerec.RGB(crop), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
		d, err := net.Descriptor(crop)
		if err != nil {
			t.Fatal(err)
		}
		ours = append(ours, d)
	}
	cmd := exec.CommandContext(t.Context(), "node", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node golden.mjs: %v\n%s", err, stderr.String())
	}
	var theirs [][]float64
	if err := json.Unmarshal(out, &theirs); err != nil || len(theirs) != len(names) {
		t.Fatalf("golden.mjs answered %d descriptors (%v), want %d", len(theirs), err, len(names))
	}
	for i, n := range names {
		if len(theirs[i]) != len(facerec.Descriptor{}) {
			t.Fatalf("%s: face-api gave %d numbers", n, len(theirs[i]))
		}
		var maxAbs, dot, na, nb float64
		for j, v := range theirs[i] {
			o := float64(ours[i][j])
			maxAbs = max(maxAbs, math.Abs(o-v))
			dot += o * v
			na += o * o
			nb += v * v
		}
		cos := dot / math.Sqrt(na*nb)
		t.Logf("%-15s max |Δ| %.3g  cosine 1-%.3g", n, maxAbs, 1-cos)
		if maxAbs > goldenMaxAbs || cos < goldenMinCos {
			t.Errorf("%s: differs from face-api: max |Δ| %g (limit %g), cosine %.9f (limit %g)", n, maxAbs, goldenMaxAbs, cos, goldenMinCos)
		}
	}
	// The distances between the photos, for the record.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			t.Logf("distance %s–%s: %.4f", names[i], names[j], facerec.Distance(ours[i], ours[j]))
		}
	}
}
