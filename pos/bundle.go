package pos

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"payterm/firmware/poslink"
	"payterm/update/manifest"
)

// bundleMagic opens every bundle file (update/bundle's layout: magic,
// uint32 big-endian manifest length, signed manifest, payloads).
const bundleMagic = "PAYTERM-BUNDLE\x00\x01"

// Bundle is the terminal bundle a POS release carries, as the POS
// offers it. The POS reads the manifest only to know the version: it
// trusts nothing in it, the terminal verifies the signature.
type Bundle struct {
	Path    string
	ID      string // lowercase hex SHA-256 of the file: poslink's bundle id
	Size    int64
	Version string // the manifest's version
}

// OpenBundle reads the bundle file at path: its size, hash and version.
func OpenBundle(path string) (Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return Bundle{}, fmt.Errorf("pos: bundle: %w", err)
	}
	defer f.Close()
	b, err := readBundleHeader(f)
	if err != nil {
		return Bundle{}, fmt.Errorf("pos: bundle %s: %w", path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Bundle{}, fmt.Errorf("pos: bundle: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Bundle{}, fmt.Errorf("pos: bundle: %w", err)
	}
	if n > poslink.MaxBundleSize {
		return Bundle{}, fmt.Errorf("pos: bundle %s: %d bytes, over %d", path, n, poslink.MaxBundleSize)
	}
	b.Path, b.ID, b.Size = path, hex.EncodeToString(h.Sum(nil)), n
	return b, nil
}

// readBundleHeader reads the magic and the manifest at the start of r.
func readBundleHeader(r io.Reader) (Bundle, error) {
	head := make([]byte, len(bundleMagic)+4)
	if _, err := io.ReadFull(r, head); err != nil {
		return Bundle{}, fmt.Errorf("not a bundle: %w", err)
	}
	if !bytes.Equal(head[:len(bundleMagic)], []byte(bundleMagic)) {
		return Bundle{}, fmt.Errorf("not a bundle (no %q)", bundleMagic[:14])
	}
	n := binary.BigEndian.Uint32(head[len(bundleMagic):])
	if n == 0 || n > manifest.MaxSize {
		return Bundle{}, fmt.Errorf("manifest of %d bytes", n)
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return Bundle{}, fmt.Errorf("manifest cut short: %w", err)
	}
	s, err := manifest.Parse(raw)
	if err != nil {
		return Bundle{}, err
	}
	return Bundle{Version: s.Manifest.Version}, nil
}
