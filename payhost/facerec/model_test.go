package facerec_test

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payterm/payhost/facerec"
	"payterm/payhost/facerec/facerectest"
)

// TestLoadRefusesBrokenModels: a missing or short file, or a manifest
// that does not describe this network, fails Load with a clear error.
func TestLoadRefusesBrokenModels(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the installed model: skipped with -short")
	}
	src := facerec.DefaultModelDir(facerectest.RepoRoot())
	manifest, err := os.ReadFile(filepath.Join(src, facerec.ManifestFile))
	if err != nil {
		t.Fatalf("model not installed (run tools/deps.sh): %v", err)
	}
	shard, err := os.ReadFile(filepath.Join(src, "face_recognition_model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		manifest string
		shard    []byte // nil: no shard file
		want     string
	}{
		{"no manifest", "", shard, "no such file"},
		{"no shard", string(manifest), nil, "no such file"},
		{"short shard", string(manifest), shard[:len(shard)-1], "ends early"},
		{"not json", "{", shard, facerec.ManifestFile},
		{"wrong shape", strings.Replace(string(manifest), `"fc","shape":[256,128]`, `"fc","shape":[128,256]`, 1), shard, "weight fc has shape"},
		{"missing weight", strings.Replace(string(manifest), `"fc"`, `"fcx"`, 1), shard, "weight fc missing"},
		{"escaping path", strings.Replace(string(manifest), `"face_recognition_model.bin"`, `"../face_recognition_model.bin"`, 1), shard, "leaves the model directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.manifest != "" {
				os.WriteFile(filepath.Join(dir, facerec.ManifestFile), []byte(tc.manifest), 0o600)
			}
			if tc.shard != nil {
				os.WriteFile(filepath.Join(dir, "face_recognition_model.bin"), tc.shard, 0o600)
			}
			_, err := facerec.Load(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestDescriptorSizes: only InputSize² images are accepted.
func TestDescriptorSizes(t *testing.T) {
	net := facerectest.Net(t)
	for _, r := range []image.Rectangle{image.Rect(0, 0, 149, 150), image.Rect(0, 0, 300, 300)} {
		if _, err := net.Descriptor(image.NewRGBA(r)); err == nil {
			t.Errorf("Descriptor accepted a %v image", r)
		}
	}
	if _, err := net.Descriptor(nil); err == nil {
		t.Error("Descriptor accepted nil")
	}
	// An offset 150×150 rectangle is fine: bounds need not start at 0.
	if _, err := net.Descriptor(image.NewRGBA(image.Rect(10, 10, 160, 160))); err != nil {
		t.Errorf("offset image: %v", err)
	}
}

// TestSamePersonCloser: on the shared photos, the same person is within
// Threshold and another person is not.
func TestSamePersonCloser(t *testing.T) {
	net := facerectest.Net(t)
	d := map[string]facerec.Descriptor{}
	for name := range facerectest.HandEyes {
		var err error
		if d[name], err = net.Descriptor(facerectest.Crop(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"obama.jpg", "obama2.jpg", true},
		{"obama.jpg", "obama-480p.jpg", true},
		{"obama.jpg", "biden.jpg", false},
		{"obama2.jpg", "biden.jpg", false},
		{"obama-480p.jpg", "biden.jpg", false},
	} {
		dist := facerec.Distance(d[tc.a], d[tc.b])
		t.Logf("%s–%s %.4f", tc.a, tc.b, dist)
		if (dist < facerec.Threshold) != tc.same {
			t.Errorf("%s–%s distance %.4f; same person: %v", tc.a, tc.b, dist, tc.same)
		}
	}
}
