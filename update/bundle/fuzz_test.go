package bundle

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"payterm/update/bundle/deltatest"
)

// FuzzReader: reading any bytes as a bundle never panics nor allocates
// past the limits, and a bundle that reads to the end decodes to exactly
// the sizes its manifest declares.
func FuzzReader(f *testing.F) {
	base := slotImage(5000, 9)
	f.Add(build(f, map[string][]byte{"slot.vfat": slotImage(3000, 10)}, "slot.vfat"))
	f.Add(build(f, map[string][]byte{"a": []byte("x"), "b": slotImage(700, 11)}, "a", "b"))
	var delta bytes.Buffer
	dir := f.TempDir()
	if _, err := Build(&delta, Options{
		Manifest: baseManifest(), Artefacts: []Source{{Name: "slot.vfat", Path: writeFile(f, dir, "new", slotImage(6000, 9))}},
		Keys:  []ed25519.PrivateKey{devKey},
		Delta: &Delta{Codec: deltatest.XORCodec{Frame: 1000}, BaseVersion: "1.3.0", Base: []Source{{Name: "slot.vfat", Path: writeFile(f, dir, "old", base)}}},
	}); err != nil {
		f.Fatal(err)
	}
	f.Add(delta.Bytes())
	f.Add([]byte(Magic + "\x00\x00\x00\x02{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, got, err := readAll(t, data, []DeltaCodec{deltatest.XORCodec{}}, base)
		if err != nil {
			return
		}
		for _, a := range r.Signed().Manifest.Artefacts {
			if int64(len(got[a.Name])) != a.Size {
				t.Fatalf("artefact %s: %d bytes, manifest says %d", a.Name, len(got[a.Name]), a.Size)
			}
		}
	})
}
