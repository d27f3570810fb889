package bundle_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

func Example() {
	seed := sha256.Sum256([]byte("dev-update-key-example")) // a development key
	key := ed25519.NewKeyFromSeed(seed[:])
	dir, _ := os.MkdirTemp("", "bundle-example")
	defer os.RemoveAll(dir)
	slot := filepath.Join(dir, "slot.vfat")
	os.WriteFile(slot, bytes.Repeat([]byte("boot slot "), 300000), 0o644)

	var b bytes.Buffer
	m, err := bundle.Build(&b, bundle.Options{
		Manifest: manifest.Manifest{
			Product: "payterm", Boards: []string{"qemu-virt"}, Version: "1.1.0", Kernel: "6.1.0-57-arm64",
			Expires: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
		},
		Artefacts: []bundle.Source{{Name: "slot.vfat", Path: slot}},
		Keys:      []ed25519.PrivateKey{key},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Artefacts[0].Name, m.Artefacts[0].Size, m.Artefacts[0].Encoding)

	r, _ := bundle.NewReader(&b)
	frames := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		frames++
	}
	fmt.Println(frames, "frames")
	// Output:
	// slot.vfat 3000000 zstd
	// 3 frames
}
