package poslink

import (
	"fmt"
	"sync"
)

// CryptoVersion is the AdyenCryptoVersion this package writes and
// accepts.
const CryptoVersion = 1

// SecurityKey is one shared link key as a POS holds it (Adyen's
// SecurityKey): a passphrase known by its identifier and version.
type SecurityKey struct {
	KeyIdentifier string
	KeyVersion    int
	Passphrase    string // secret
}

// keyRef names a key on the wire.
type keyRef struct {
	id      string
	version int
}

// Keys maps (KeyIdentifier, KeyVersion) to a passphrase's derived key:
// the keys a terminal accepts. Derivation (PBKDF2, 4000 rounds) happens
// once, in Add. The zero value is not usable; call NewKeys. Safe for
// concurrent use, so keys can rotate while the server runs.
type Keys struct {
	mu   sync.RWMutex
	keys map[keyRef]*DerivedKey
}

// NewKeys returns a key set holding ks.
func NewKeys(ks ...SecurityKey) (*Keys, error) {
	k := &Keys{keys: make(map[keyRef]*DerivedKey)}
	for _, sk := range ks {
		if err := k.Add(sk); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// Add derives and stores sk, replacing a key of the same identifier and
// version. Identifier and passphrase must not be empty.
func (k *Keys) Add(sk SecurityKey) error {
	if sk.KeyIdentifier == "" {
		return fmt.Errorf("poslink: key: empty KeyIdentifier")
	}
	dk, err := DeriveKey(sk.Passphrase)
	if err != nil {
		return fmt.Errorf("poslink: key %s v%d: %w", sk.KeyIdentifier, sk.KeyVersion, err)
	}
	k.mu.Lock()
	k.keys[keyRef{sk.KeyIdentifier, sk.KeyVersion}] = dk
	k.mu.Unlock()
	return nil
}

// Remove forgets a key; messages under it are refused from then on.
func (k *Keys) Remove(identifier string, version int) {
	k.mu.Lock()
	delete(k.keys, keyRef{identifier, version})
	k.mu.Unlock()
}

// lookup returns the derived key for a trailer's identifier and version.
// A nil *Keys holds no keys.
func (k *Keys) lookup(identifier string, version int) (*DerivedKey, bool) {
	if k == nil {
		return nil, false
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	dk, ok := k.keys[keyRef{identifier, version}]
	return dk, ok
}
