package main

import (
	"crypto/ed25519"

	"payterm/firmware/poslink"
)

// The terminal answers pairing (poslink.AdminIdentity) with the key it
// signs relay credentials with, so a POS learns it once over the
// encrypted link and verifies every credential by default.
var _ poslink.IdentitySource = (*terminal)(nil)

// PublicKey is the terminal's signing key, as the link tells it at
// pairing.
func (t *terminal) PublicKey() ed25519.PublicKey {
	return t.signer.Public()
}

// identityOf is the identity the link tells: the Terminal's own when it
// has one; nil refuses pairing.
func identityOf(term poslink.Terminal) poslink.IdentitySource {
	if id, ok := term.(poslink.IdentitySource); ok {
		return id
	}
	return nil
}
