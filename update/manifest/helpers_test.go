package manifest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"
)

// Development keys, made from fixed seeds: for tests only.
var (
	devKeyOld     = ed25519.NewKeyFromSeed(seed("dev-key-old"))
	devKeyNew     = ed25519.NewKeyFromSeed(seed("dev-key-new"))
	devKeyRevoked = ed25519.NewKeyFromSeed(seed("dev-key-revoked"))
	devKeyUnknown = ed25519.NewKeyFromSeed(seed("dev-key-unknown"))
)

func seed(name string) []byte {
	h := sha256.Sum256([]byte(name))
	return h[:]
}

func pub(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func devKeyring(t testing.TB) *Keyring {
	t.Helper()
	kr, err := NewKeyring(
		TrustedKey{Name: "dev-key-old", Public: pub(devKeyOld)},
		TrustedKey{Name: "dev-key-new", Public: pub(devKeyNew)},
		TrustedKey{Name: "dev-key-revoked", Public: pub(devKeyRevoked), Revoked: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// frameHashes is n made-up frame hashes of an artefact.
func frameHashes(name string, n int) []string {
	fs := make([]string, n)
	for i := range fs {
		fs[i] = hashOf(fmt.Sprintf("%s frame %d", name, i))
	}
	return fs
}

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func fullManifest() Manifest {
	return Manifest{
		Format:     Format,
		Product:    "payterm",
		Boards:     []string{"qemu-virt", "sim"},
		Version:    "1.4.0",
		MinVersion: "1.2",
		Kernel:     "6.1.0-57-arm64",
		Expires:    now.Add(30 * 24 * time.Hour),
		Artefacts: []Artefact{
			{Name: "Image", Size: 20 << 20, SHA256: hashOf("kernel"), Encoding: "zstd", PayloadSize: 7 << 20, Frames: frameHashes("kernel", 20)},
			{Name: "initrd.img", Size: 9 << 20, SHA256: hashOf("initrd"), Encoding: "zstd", PayloadSize: 8 << 20, Frames: frameHashes("initrd", 9)},
		},
	}
}

func deltaManifest() Manifest {
	m := fullManifest()
	m.Delta = &Delta{BaseVersion: "1.3.1", Base: []BaseArtefact{{Name: "initrd.img", SHA256: hashOf("initrd 1.3.1")}}}
	return m
}

func terminal() Terminal {
	return Terminal{
		Product: "payterm", Board: "qemu-virt", Version: "1.3.1", Floor: "1.1",
		Installed: []Artefact{
			{Name: "Image", Size: 20 << 20, SHA256: hashOf("kernel 1.3.1")},
			{Name: "initrd.img", Size: 9 << 20, SHA256: hashOf("initrd 1.3.1")},
		},
		MaxArtefactSize: 64 << 20,
	}
}

func sign(t testing.TB, m Manifest, keys ...ed25519.PrivateKey) []byte {
	t.Helper()
	b, err := Sign(m, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
