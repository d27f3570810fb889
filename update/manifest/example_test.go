package manifest_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"payterm/update/manifest"
)

func Example() {
	seed := sha256.Sum256([]byte("dev-key-example")) // a development key
	key := ed25519.NewKeyFromSeed(seed[:])
	kr, _ := manifest.NewKeyring(manifest.TrustedKey{Name: "dev-key-example", Public: key.Public().(ed25519.PublicKey)})

	kernel := sha256.Sum256([]byte("kernel bytes"))
	frame := sha256.Sum256([]byte("the payload's one frame, header and bytes"))
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	data, err := manifest.Sign(manifest.Manifest{
		Format: manifest.Format, Product: "payterm", Boards: []string{"qemu-virt"},
		Version: "1.1.0", Expires: now.Add(90 * 24 * time.Hour),
		Artefacts: []manifest.Artefact{{Name: "Image", Size: 12, SHA256: hex.EncodeToString(kernel[:]), Encoding: "zstd", PayloadSize: 29,
			Frames: []string{hex.EncodeToString(frame[:])}}},
	}, key)
	if err != nil {
		panic(err)
	}

	term := manifest.Terminal{Product: "payterm", Board: "qemu-virt", Version: "1.0.0"}
	m, err := manifest.Verify(data, kr, now, term)
	fmt.Println(m.Version, err)

	term.Board = "rpi4"
	_, err = manifest.Verify(data, kr, now, term)
	fmt.Println(errors.Is(err, manifest.ErrWrongBoard))
	// Output:
	// 1.1.0 <nil>
	// true
}
