package bundlefetch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// ErrBadBundle: the file is not a whole, well-formed bundle, or its
// manifest's signature does not verify against the given keys. Refused
// downloads wrap it; test with errors.Is.
var ErrBadBundle = errors.New("bundlefetch: bundle refused")

// Check reads the bundle at path to its end: the header, a manifest of
// at most manifest.MaxSize bytes and every payload frame, in layout
// (bundle.Reader). With keys it also verifies the manifest as a terminal
// would for the bundle's own product and first board: a signature by a
// trusted, unrevoked key, not expired at now. Without keys the signature
// is left to the terminal. A file that ends early wraps
// bundle.ErrTruncated as well as ErrBadBundle.
func Check(path string, keys *manifest.Keyring, now time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bundlefetch: %w", err)
	}
	defer f.Close()
	// A short page (a proxy's login form, an error text) must not look
	// like a truncated bundle worth resuming.
	head := make([]byte, len(bundle.Magic))
	n, _ := io.ReadFull(f, head)
	if !bytes.HasPrefix([]byte(bundle.Magic), head[:n]) || n == 0 {
		return fmt.Errorf("%w: not a bundle (no %q at the start)", ErrBadBundle, strings.TrimRight(bundle.Magic, "\x00\x01"))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("bundlefetch: %w", err)
	}
	r, err := bundle.NewReader(f)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadBundle, err)
	}
	if keys != nil {
		if _, err := manifest.Verify(r.ManifestFile(), keys, now, selfTerminal(r.Signed().Manifest)); err != nil {
			return fmt.Errorf("%w: %w", ErrBadBundle, err)
		}
	}
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrBadBundle, err)
		}
	}
}

// selfTerminal is a terminal that m fits in every way but its signature
// and expiry: the POS does not know its terminal's board or floor (the
// terminal checks those), only which keys sign its releases.
func selfTerminal(m manifest.Manifest) manifest.Terminal {
	t := manifest.Terminal{Product: m.Product, Version: m.Version, MaxArtefactSize: 1 << 62}
	if len(m.Boards) > 0 {
		t.Board = m.Boards[0]
	}
	if d := m.Delta; d != nil {
		t.Version = d.BaseVersion
		for _, b := range d.Base {
			t.Installed = append(t.Installed, manifest.Artefact{Name: b.Name, SHA256: b.SHA256})
		}
	}
	return t
}
