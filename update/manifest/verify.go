package manifest

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Refusals, each wrapped with context; test with errors.Is.
var (
	ErrMalformed    = errors.New("malformed manifest")
	ErrUnsigned     = errors.New("no signature")
	ErrBadSignature = errors.New("bad signature")
	ErrUnknownKey   = errors.New("unknown key")
	ErrRevokedKey   = errors.New("revoked key")
	ErrExpired      = errors.New("expired")
	ErrWrongProduct = errors.New("wrong product")
	ErrWrongBoard   = errors.New("wrong board")
	ErrBelowFloor   = errors.New("version below floor")
	ErrWrongBase    = errors.New("delta on the wrong base")
	ErrTooLarge     = errors.New("artefact too large")
)

// DefaultMaxArtefactSize is the artefact limit when Terminal gives none:
// a boot slot's default size (rootfs.Disk.BootSize).
const DefaultMaxArtefactSize = 128 << 20

// Terminal is what Verify checks a bundle against: facts about the
// terminal and the firmware it runs.
type Terminal struct {
	Product string
	Board   string
	// Version is the running firmware's version.
	Version string
	// Floor is the highest MinVersion of any release committed on this
	// terminal; bundles below it are refused. "" is none.
	Floor string
	// Installed are the running firmware's artefacts: a delta's base
	// artefacts must be among them, hash for hash.
	Installed []Artefact
	// MaxArtefactSize bounds each artefact (the inactive slot's size);
	// 0 is DefaultMaxArtefactSize.
	MaxArtefactSize int64
}

// Verify decides whether terminal t may install the bundle whose
// manifest file is data, at time now, trusting the keys of kr. It
// returns the manifest, or the first refusal in this order:
// ErrMalformed; ErrUnsigned, ErrBadSignature, ErrUnknownKey, ErrRevokedKey
// (no signature by a trusted, unrevoked key verifies); ErrExpired (now is
// at or after Expires); ErrWrongProduct; ErrWrongBoard; ErrBelowFloor
// (Version below t.Floor); ErrWrongBase (a delta whose base version is
// not t.Version or whose base artefacts are not installed); ErrTooLarge
// (an artefact above the limit). Nothing in the manifest is acted on
// before its signature is checked.
func Verify(data []byte, kr *Keyring, now time.Time, t Terminal) (*Manifest, error) {
	s, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if err := s.checkSignatures(kr); err != nil {
		return nil, err
	}
	m := &s.Manifest
	if !now.Before(m.Expires) {
		return nil, fmt.Errorf("manifest: %s expired at %s: %w", m.Version, m.Expires.Format(time.RFC3339), ErrExpired)
	}
	if m.Product != t.Product {
		return nil, fmt.Errorf("manifest: product %q, terminal %q: %w", m.Product, t.Product, ErrWrongProduct)
	}
	if !contains(m.Boards, t.Board) {
		return nil, fmt.Errorf("manifest: boards %q, terminal %q: %w", m.Boards, t.Board, ErrWrongBoard)
	}
	if t.Floor != "" {
		c, err := CompareVersions(m.Version, t.Floor)
		if err != nil {
			return nil, fmt.Errorf("manifest: terminal floor: %w", err)
		}
		if c < 0 {
			return nil, fmt.Errorf("manifest: version %s, floor %s: %w", m.Version, t.Floor, ErrBelowFloor)
		}
	}
	if err := checkBase(m.Delta, t); err != nil {
		return nil, err
	}
	limit := t.MaxArtefactSize
	if limit <= 0 {
		limit = DefaultMaxArtefactSize
	}
	for _, a := range m.Artefacts {
		if a.Size > limit {
			return nil, fmt.Errorf("manifest: artefact %s: %d bytes, limit %d: %w", a.Name, a.Size, limit, ErrTooLarge)
		}
	}
	return m, nil
}

// checkSignatures accepts when any signature by a trusted, unrevoked key
// verifies (during a rotation a bundle carries old and new keys'). When
// none does, the refusal names the most telling reason: a trusted key's
// signature that fails, then a revoked key, then an unknown one.
func (s *Signed) checkSignatures(kr *Keyring) error {
	if len(s.Signatures) == 0 {
		return fmt.Errorf("manifest: %w", ErrUnsigned)
	}
	var bad, revoked, unknown []KeyID
	msg := message(s.raw)
	for _, sig := range s.Signatures {
		k, ok := kr.Key(sig.KeyID)
		switch {
		case !ok:
			unknown = append(unknown, sig.KeyID)
		case k.Revoked:
			revoked = append(revoked, sig.KeyID)
		case len(sig.Sig) != ed25519.SignatureSize || !ed25519.Verify(k.Public, msg, sig.Sig):
			bad = append(bad, sig.KeyID)
		default:
			return nil
		}
	}
	switch {
	case len(bad) > 0:
		return fmt.Errorf("manifest: signature by %s: %w", bad[0], ErrBadSignature)
	case len(revoked) > 0:
		return fmt.Errorf("manifest: signed by %s: %w", revoked[0], ErrRevokedKey)
	}
	return fmt.Errorf("manifest: signed by %s: %w", unknown[0], ErrUnknownKey)
}

func checkBase(d *Delta, t Terminal) error {
	if d == nil {
		return nil
	}
	c, err := CompareVersions(d.BaseVersion, t.Version)
	if err != nil {
		return fmt.Errorf("manifest: running version: %w", err)
	}
	if c != 0 {
		return fmt.Errorf("manifest: delta against %s, running %s: %w", d.BaseVersion, t.Version, ErrWrongBase)
	}
	for _, b := range d.Base {
		found := false
		for _, a := range t.Installed {
			if a.Name == b.Name {
				found = strings.EqualFold(a.SHA256, b.SHA256)
				break
			}
		}
		if !found {
			return fmt.Errorf("manifest: delta base artefact %s is not the installed one: %w", b.Name, ErrWrongBase)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
