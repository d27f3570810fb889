// Package attest signs what the terminal vouches for: a credential bound to
// the order the customer confirmed. The POS and the payment system verify
// it with the terminal's public key, so a credential cannot be replayed
// against another order or forged by the link.
package attest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"payterm/firmware/order"
)

// Claim is what one signature covers. Code is the payment code or face
// token itself, so the signature cannot be moved to another credential.
type Claim struct {
	POIID         string
	TransactionID string
	Hash          order.Hash
	Method        string
	Code          string
}

const domain = "payterm/credential/v1"

// message is the canonical encoding: a domain tag, then each field
// length-prefixed, so no two claims encode alike.
func (c Claim) message() []byte {
	var b []byte
	for _, f := range []string{domain, c.POIID, c.TransactionID, string(c.Hash[:]), c.Method, c.Code} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

// Sign returns the base64 Ed25519 signature of c.
func Sign(key ed25519.PrivateKey, c Claim) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.message()))
}

// ErrBadSignature means the signature does not match the claim and key.
var ErrBadSignature = errors.New("attest: signature does not match")

// Verify checks sig (base64) over c with pub.
func Verify(pub ed25519.PublicKey, c Claim, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("attest: signature encoding: %w", err)
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, c.message(), raw) {
		return ErrBadSignature
	}
	return nil
}

// DevKey is the development terminal key, derived from a public string:
// anyone can forge its signatures. Only for the virtual terminal and tests.
func DevKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("payterm-dev-terminal-key (not secret, dev only)"))
	return ed25519.NewKeyFromSeed(seed[:])
}
