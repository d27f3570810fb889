package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"payterm/update/manifest"
)

// devKey is a development key from a fixed seed: for tests only.
var devKey = ed25519.NewKeyFromSeed(seed("dev-update-key-test"))

func seed(name string) []byte {
	h := sha256.Sum256([]byte(name))
	return h[:]
}

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func devKeyring(t testing.TB) *manifest.Keyring {
	t.Helper()
	kr, err := manifest.NewKeyring(manifest.TrustedKey{Name: "dev-update-key-test", Public: devKey.Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func baseManifest() manifest.Manifest {
	return manifest.Manifest{
		Product: "payterm", Boards: []string{"qemu-virt"}, Version: "1.4.0", MinVersion: "1.2",
		Kernel: "6.1.0-57-arm64", Expires: now.Add(90 * 24 * time.Hour),
	}
}

// build makes a full bundle of the named contents.
func build(t testing.TB, arts map[string][]byte, order ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	var srcs []Source
	for _, n := range order {
		srcs = append(srcs, Source{Name: n, Path: writeFile(t, dir, n, arts[n])})
	}
	var out bytes.Buffer
	if _, err := Build(&out, Options{Manifest: baseManifest(), Artefacts: srcs, Keys: []ed25519.PrivateKey{devKey}}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// readAll reads a bundle with Reader and decodes every artefact.
func readAll(t testing.TB, data []byte, codecs []DeltaCodec, base []byte) (*Reader, map[string][]byte, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	m := r.Signed().Manifest
	out := map[string][]byte{}
	decs := map[int]*Decoder{}
	defer func() {
		for _, d := range decs {
			d.Close()
		}
	}()
	for {
		f, err := r.Next()
		if err == io.EOF {
			return r, out, nil
		}
		if err != nil {
			return r, out, err
		}
		a := m.Artefacts[f.Artefact]
		d := decs[f.Artefact]
		if d == nil {
			if d, err = NewDecoder(a.Encoding, codecs, bytes.NewReader(base), int64(len(base))); err != nil {
				return r, out, err
			}
			decs[f.Artefact] = d
		}
		got, err := d.Decode(nil, f.Data, f.Output)
		if err != nil {
			return r, out, err
		}
		if int64(len(out[a.Name])) != f.At {
			t.Fatalf("frame at %d, artefact has %d bytes", f.At, len(out[a.Name]))
		}
		out[a.Name] = append(out[a.Name], got...)
	}
}
