// Package attest makes what the terminal vouches for: its signed statement
// of what the customer confirmed — the order hash, the total and currency,
// a digest of the credential presented and a one-time nonce
// (payhost.Statement). The payment system charges only against it, in
// direct mode (the terminal's own charge) and relay mode (the POS
// forwards it with the credential); the POS verifies it with the key it
// learned at pairing. It is the terminal's one signature over a payment.
package attest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"time"

	"payterm/firmware/order"
	"payterm/payhost"
)

// Signer signs statements for one terminal. The zero value is not ready:
// POIID, Key and Now are required; Rand nil means crypto/rand.
type Signer struct {
	POIID string
	Key   ed25519.PrivateKey
	Now   func() time.Time
	Rand  io.Reader
}

// Statement signs the statement for charging authCode (as the payment
// system takes it, payhost.FacePrefix included for a face) against the
// order with hash h, total amount in minor units of currency. It returns
// the statement and its base64 signature.
func (s Signer) Statement(h order.Hash, amount int64, currency, authCode string) (payhost.Statement, string, error) {
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	nonce, err := payhost.NewNonce(r)
	if err != nil {
		return payhost.Statement{}, "", fmt.Errorf("attest: %w", err)
	}
	st := payhost.Statement{
		TerminalID: s.POIID,
		KeyID:      payhost.KeyIDOf(s.Public()),
		OrderHash:  h.String(),
		Amount:     amount,
		Currency:   currency,
		Credential: payhost.CredentialDigest(authCode),
		Nonce:      nonce,
		Time:       s.Now().UTC(),
	}
	return st, st.Sign(s.Key), nil
}

// Sign binds a charge request to the order it names: its statement and
// signature are set from the request's own order hash, amount, currency
// and credential.
func (s Signer) Sign(req *payhost.PayRequest) error {
	h, err := order.ParseHash(req.OrderHash)
	if err != nil {
		return fmt.Errorf("attest: %w", err)
	}
	st, sig, err := s.Statement(h, req.Amount, req.Currency, req.AuthCode)
	if err != nil {
		return err
	}
	req.Statement, req.Signature = &st, sig
	return nil
}

// Public is the key the payment system and the POS verify with.
func (s Signer) Public() ed25519.PublicKey { return s.Key.Public().(ed25519.PublicKey) }

// AuthCode is a credential as the payment system takes it: a payment
// code as read, a face token behind payhost.FacePrefix.
func AuthCode(method, code string) string {
	if method == "face" {
		return payhost.FacePrefix + code
	}
	return code
}

// DevKey is the development terminal key, derived from a public string:
// anyone can forge its statements. Only for the virtual terminal and tests.
func DevKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("payterm-dev-terminal-key (not secret, dev only)"))
	return ed25519.NewKeyFromSeed(seed[:])
}
