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
	base := deltatest.SlotImage(5000, 9, false)
	f.Add(build(f, map[string][]byte{"slot.vfat": deltatest.SlotImage(3000, 10, false)}, "slot.vfat"))
	f.Add(build(f, map[string][]byte{"a": []byte("x"), "b": deltatest.SlotImage(700, 11, false)}, "a", "b"))
	var delta bytes.Buffer
	dir := f.TempDir()
	if _, err := Build(&delta, Options{
		Manifest: baseManifest(), Artefacts: []Source{{Name: "slot.vfat", Path: writeFile(f, dir, "new", deltatest.SlotImage(6000, 9, false))}},
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
