package install

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"payterm/update/bundle"
	"payterm/update/bundle/deltatest"
	"payterm/update/manifest"
)

// Development keys from fixed seeds: for tests only.
var (
	devKey      = ed25519.NewKeyFromSeed(seed("dev-update-key-test"))
	devKeyOther = ed25519.NewKeyFromSeed(seed("dev-update-key-unknown"))
)

func seed(name string) []byte {
	h := sha256.Sum256([]byte(name))
	return h[:]
}

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func keyring(t testing.TB, revoked bool) *manifest.Keyring {
	t.Helper()
	kr, err := manifest.NewKeyring(manifest.TrustedKey{Name: "dev-update-key-test", Public: devKey.Public().(ed25519.PublicKey), Revoked: revoked})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

type buildOpts struct {
	version string
	key     ed25519.PrivateKey
	base    []byte // a delta against base
}

// build makes a bundle of one artefact "slot.vfat".
func build(t testing.TB, slot []byte, o buildOpts) []byte {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "slot.vfat")
	if err := os.WriteFile(p, slot, 0o644); err != nil {
		t.Fatal(err)
	}
	m := manifest.Manifest{Product: "payterm", Boards: []string{"qemu-virt"}, Version: "1.4.0", Kernel: "6.1.0-57-arm64", Expires: now.Add(24 * time.Hour)}
	if o.version != "" {
		m.Version = o.version
	}
	key := o.key
	if key == nil {
		key = devKey
	}
	opts := bundle.Options{Manifest: m, Artefacts: []bundle.Source{{Name: "slot.vfat", Path: p}}, Keys: []ed25519.PrivateKey{key}}
	if o.base != nil {
		bp := filepath.Join(dir, "base")
		if err := os.WriteFile(bp, o.base, 0o644); err != nil {
			t.Fatal(err)
		}
		opts.Delta = &bundle.Delta{Codec: deltatest.XORCodec{Frame: 400 << 10}, BaseVersion: "1.3.0", Base: []bundle.Source{{Name: "slot.vfat", Path: bp}}}
	}
	var out bytes.Buffer
	if _, err := bundle.Build(&out, opts); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// memSlot is a slot in memory that, like a disk, loses what was written
// since the last Sync when it "loses power" (crash).
type memSlot struct {
	data, synced []byte
	writes       int
}

func newMemSlot(size int) *memSlot {
	b := bytes.Repeat([]byte{0xA5}, size) // not zeros, so untouched is visible
	return &memSlot{data: b, synced: bytes.Clone(b)}
}

func (s *memSlot) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s *memSlot) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > int64(len(s.data)) {
		return 0, errors.New("write past the slot's end")
	}
	s.writes++
	return copy(s.data[off:], p), nil
}

func (s *memSlot) Size() int64 { return int64(len(s.data)) }
func (s *memSlot) Sync() error { copy(s.synced, s.data); return nil }
func (s *memSlot) crash()      { copy(s.data, s.synced) }

// holdsOnly reports whether the slot holds img's first n bytes, from n
// nothing written, and saw exactly writes writes.
func (s *memSlot) holdsOnly(img []byte, n, writes int) bool {
	return s.writes == writes && bytes.Equal(s.data[:n], img[:n]) &&
		bytes.Count(s.data[n:], []byte{0xA5}) == len(s.data)-n
}

// resign is data with its manifest edited and signed again by devKey,
// the payloads kept: a manifest a trusted builder got wrong.
func resign(t testing.TB, data []byte, edit func(*manifest.Manifest)) []byte {
	t.Helper()
	l := int(binary.BigEndian.Uint32(data[len(bundle.Magic):]))
	sig, err := manifest.Parse(data[bundle.HeaderSize : bundle.HeaderSize+l])
	if err != nil {
		t.Fatal(err)
	}
	m := sig.Manifest
	edit(&m)
	signed, err := manifest.Sign(m, devKey)
	if err != nil {
		t.Fatal(err)
	}
	out := append(bundle.Header(len(signed)), signed...)
	return append(out, data[bundle.HeaderSize+l:]...)
}

func (s *memSlot) untouched() bool {
	return s.writes == 0 && bytes.Count(s.data, []byte{0xA5}) == len(s.data)
}

func config(t testing.TB, target Slot, stateDir string) Config {
	return Config{
		Keyring: keyring(t, false), Product: "payterm", Board: "qemu-virt", Version: "1.3.0",
		Now: func() time.Time { return now }, Target: target, StateDir: stateDir,
		Codecs: []bundle.DeltaCodec{deltatest.XORCodec{}}, Bundle: "bundle-1",
	}
}

// writeIn writes data to in in pieces of n bytes.
func writeIn(in *Installer, data []byte, n int) error {
	for len(data) > 0 {
		k := min(n, len(data))
		if _, err := in.Write(data[:k]); err != nil {
			return err
		}
		data = data[k:]
	}
	return nil
}
