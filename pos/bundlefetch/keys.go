package bundlefetch

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"payterm/update/manifest"
)

// ReadKeyring reads the release keys the POS trusts, one per file: a
// PEM "PUBLIC KEY" (PKIX, as paytermbundle keygen writes FILE.pub, its
// "Name" header naming the key) or the key's 64 hex digits (the public
// half of a terminal's update_keys entry).
func ReadKeyring(paths ...string) (*manifest.Keyring, error) {
	var keys []manifest.TrustedKey
	for _, p := range paths {
		k, err := readKey(p)
		if err != nil {
			return nil, fmt.Errorf("bundlefetch: key %s: %w", p, err)
		}
		keys = append(keys, k)
	}
	kr, err := manifest.NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("bundlefetch: %w", err)
	}
	return kr, nil
}

func readKey(path string) (manifest.TrustedKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return manifest.TrustedKey{}, err
	}
	return parseKey(filepath.Base(path), b)
}

// parseKey reads a key file's bytes b; name names the key unless the
// PEM says otherwise.
func parseKey(name string, b []byte) (manifest.TrustedKey, error) {
	k := manifest.TrustedKey{Name: name}
	blk, _ := pem.Decode(b)
	if blk == nil {
		pub, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return k, fmt.Errorf("neither a PEM public key nor %d hex bytes", ed25519.PublicKeySize)
		}
		k.Public = pub
		return k, nil
	}
	if blk.Type != "PUBLIC KEY" {
		return k, fmt.Errorf("PEM block %q, want PUBLIC KEY (the POS needs no private key)", blk.Type)
	}
	key, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return k, err
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return k, fmt.Errorf("not an Ed25519 key")
	}
	if n := blk.Headers["Name"]; n != "" {
		k.Name = n
	}
	k.Public = pub
	return k, nil
}
