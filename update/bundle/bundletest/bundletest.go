// Package bundletest writes real update bundles (update/bundle) for tests
// of the code that moves them: the POS's offer, the link, the installer.
// The test codec of delta bundles is deltatest's, which bundle's own
// tests can import.
package bundletest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// Key is the test signing key: the same bytes in every test.
func Key() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("payterm bundletest key"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Write builds a full bundle of version for boards, signed by Key, whose
// one artefact (slot.vfat) is size pseudo-random bytes (incompressible,
// so the bundle is about size long), in t's temp dir. It returns the
// bundle's path, the SHA-256 of the bundle file and the slot image.
func Write(t testing.TB, version string, size int, boards ...string) (path string, sum [32]byte, slot []byte) {
	t.Helper()
	dir := t.TempDir()
	slot = make([]byte, size)
	rng := rand.New(rand.NewPCG(uint64(size), 7))
	for i := range slot {
		slot[i] = byte(rng.Uint32())
	}
	src := filepath.Join(dir, "slot.vfat")
	if err := os.WriteFile(src, slot, 0o600); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "terminal-"+version+".bundle")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = bundle.Build(f, bundle.Options{
		Manifest: manifest.Manifest{Product: "payterm", Boards: boards, Version: version,
			Kernel: "6.1.0-57-arm64", Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		Artefacts: []bundle.Source{{Name: "slot.vfat", Path: src}},
		Keys:      []ed25519.PrivateKey{Key()},
	})
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, sha256.Sum256(b), slot
}
