package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"payterm/firmware/order"
	"payterm/payhost"
)

// statements makes the terminal's signed statement of what the customer
// confirmed: the order hash, its total and currency, a digest of the
// credential they presented and a one-time nonce. The payment system
// charges only against it, in direct mode (the terminal's own charge) and
// in relay mode (the POS forwards it with the credential).
type statements struct {
	poiID string
	key   ed25519.PrivateKey
	now   func() time.Time
	rand  io.Reader // nil: crypto/rand
}

// make signs a statement for charging authCode (as sent to the payment
// system, face prefix included) with the order of hash h.
func (s statements) make(h order.Hash, amount int64, currency, authCode string) (payhost.Statement, string, error) {
	r := s.rand
	if r == nil {
		r = rand.Reader
	}
	nonce, err := payhost.NewNonce(r)
	if err != nil {
		return payhost.Statement{}, "", fmt.Errorf("statement: %w", err)
	}
	st := payhost.Statement{
		TerminalID: s.poiID,
		KeyID:      payhost.KeyIDOf(s.key.Public().(ed25519.PublicKey)),
		OrderHash:  h.String(),
		Amount:     amount,
		Currency:   currency,
		Credential: payhost.CredentialDigest(authCode),
		Nonce:      nonce,
		Time:       s.now().UTC(),
	}
	return st, st.Sign(s.key), nil
}

// sign binds a direct-mode charge request to the confirmed order.
func (s statements) sign(req *payhost.PayRequest) error {
	h, err := order.ParseHash(req.OrderHash)
	if err != nil {
		return fmt.Errorf("statement: %w", err)
	}
	st, sig, err := s.make(h, req.Amount, req.Currency, req.AuthCode)
	if err != nil {
		return err
	}
	req.Statement, req.Signature = &st, sig
	return nil
}

// authCode is a credential as the payment system takes it.
func authCode(method, code string) string {
	if method == "face" {
		return payhost.FacePrefix + code
	}
	return code
}
