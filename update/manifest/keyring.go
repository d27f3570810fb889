package manifest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// KeyID names a public key: the hex of the first 8 bytes of its
// SHA-256. It only selects the key; the signature itself is checked.
type KeyID string

// ID is pub's key ID.
func ID(pub ed25519.PublicKey) KeyID {
	h := sha256.Sum256(pub)
	return KeyID(hex.EncodeToString(h[:8]))
}

// TrustedKey is one key of a keyring.
type TrustedKey struct {
	// Name says what the key is ("release-2026", "dev-…" for a
	// development key); it is for people, not checked.
	Name   string
	Public ed25519.PublicKey
	// Revoked keys are kept so that a signature by one is refused as
	// revoked, not unknown.
	Revoked bool
}

// Keyring is the set of keys a terminal knows. Several keys may be
// trusted at once, which is how a signing key is rotated: a release
// trusting old and new keys ships, bundles are signed by the new key
// (during the change by both), then a release marks the old key revoked.
// A Keyring does not change once made.
type Keyring struct {
	keys map[KeyID]TrustedKey
}

// NewKeyring makes a keyring of keys; a key of the wrong size or given
// twice is an error.
func NewKeyring(keys ...TrustedKey) (*Keyring, error) {
	k := &Keyring{keys: map[KeyID]TrustedKey{}}
	for _, t := range keys {
		if len(t.Public) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("manifest: key %q: %d bytes, want %d", t.Name, len(t.Public), ed25519.PublicKeySize)
		}
		id := ID(t.Public)
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("manifest: key %q (%s) given twice", t.Name, id)
		}
		t.Public = append(ed25519.PublicKey(nil), t.Public...)
		k.keys[id] = t
	}
	return k, nil
}

// Key returns the key with id.
func (k *Keyring) Key(id KeyID) (TrustedKey, bool) {
	t, ok := k.keys[id]
	return t, ok
}
