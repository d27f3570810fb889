package payhost

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"payterm/firmware/order"
)

// Statement is what the terminal vouches for when the customer confirms:
// this credential pays this order, for this total, once. The terminal
// signs it (Sign) with its Ed25519 key; the payment system checks the
// signature with the key registered for TerminalID and compares every
// field with the PayRequest before any money moves, so neither the link
// nor the POS can move a confirmed credential to another amount or order.
type Statement struct {
	TerminalID string    `json:"terminal_id"` // the terminal's POIID; 1–MaxTerminalID bytes of UTF-8
	KeyID      string    `json:"key_id"`      // KeyIDOf(the terminal's public key)
	OrderHash  string    `json:"order_hash"`  // lowercase hex order.Hash of the confirmed order
	Amount     int64     `json:"amount"`      // the confirmed total, minor units of Currency
	Currency   string    `json:"currency"`    // ISO 4217
	Credential string    `json:"credential"`  // CredentialDigest(the AuthCode sent to /v1/pay)
	Nonce      string    `json:"nonce"`       // NewNonce: 32 lowercase hex digits, used once
	Time       time.Time `json:"time"`        // when the terminal signed; UTC
}

// Lengths of a Statement's fixed-size fields, in hex digits.
const (
	KeyIDLen      = 16
	NonceLen      = 32
	CredentialLen = 2 * sha256.Size
)

// MaxStatementChars bounds what DecodeStatement reads: far above a real
// statement (about 500 characters), small enough to refuse a flood.
const MaxStatementChars = 2048

// Domain tags keep these SHA-256 and signature inputs apart from any
// other; bump the version if an encoding ever changes.
const (
	statementDomain  = "payterm/statement/v1"
	credentialDomain = "payterm/credential-digest/v1"
)

// ErrBadSignature means a signature does not match the statement and key.
var ErrBadSignature = errors.New("payhost: statement signature does not match")

// KeyIDOf names a terminal public key: the first KeyIDLen hex digits of
// its SHA-256.
func KeyIDOf(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:KeyIDLen]
}

// CredentialDigest is the lowercase hex SHA-256 of a domain tag and
// authCode, exactly as sent in PayRequest.AuthCode (a FacePrefix
// included). It binds the statement to the credential without carrying
// the secret itself.
func CredentialDigest(authCode string) string {
	h := sha256.New()
	h.Write(lengthPrefixed(nil, credentialDomain))
	h.Write([]byte(authCode))
	return hex.EncodeToString(h.Sum(nil))
}

// NewNonce returns NonceLen lowercase hex digits read from r (crypto/rand
// in production).
func NewNonce(r io.Reader) (string, error) {
	var b [NonceLen / 2]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("payhost: nonce: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// message is the canonical encoding that is signed: the domain tag, then
// every field length-prefixed (integers as 8 big-endian bytes, the time
// as Unix seconds and nanoseconds), so no two statements encode alike and
// the time zone does not matter.
func (s Statement) message() []byte {
	b := make([]byte, 0, 256)
	for _, f := range []string{statementDomain, s.TerminalID, s.KeyID, s.OrderHash} {
		b = lengthPrefixed(b, f)
	}
	b = lengthPrefixed(b, string(binary.BigEndian.AppendUint64(nil, uint64(s.Amount))))
	for _, f := range []string{s.Currency, s.Credential, s.Nonce} {
		b = lengthPrefixed(b, f)
	}
	var t [12]byte
	binary.BigEndian.PutUint64(t[:8], uint64(s.Time.Unix()))
	binary.BigEndian.PutUint32(t[8:], uint32(s.Time.Nanosecond()))
	return lengthPrefixed(b, string(t[:]))
}

func lengthPrefixed(b []byte, f string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(f)))
	return append(b, f...)
}

// Sign returns the standard base64 Ed25519 signature of s by key.
func (s Statement) Sign(key ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(key, s.message()))
}

// Verify checks sig (standard base64, as Sign returns it) over s with pub.
// Any mismatch, a malformed signature or key included, wraps
// ErrBadSignature.
func (s Statement) Verify(pub ed25519.PublicKey, sig string) error {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return fmt.Errorf("%w: not a base64 Ed25519 signature", ErrBadSignature)
	}
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, s.message(), raw) {
		return ErrBadSignature
	}
	return nil
}

// Validate checks the shape of every field (not the signature). Errors
// wrap ErrInvalidRequest.
func (s Statement) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("payhost: %w: statement: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
	}
	switch {
	case s.TerminalID == "" || len(s.TerminalID) > MaxTerminalID || !utf8.ValidString(s.TerminalID):
		return bad("terminal_id must be UTF-8 of 1-%d bytes", MaxTerminalID)
	case !lowerHex(s.KeyID, KeyIDLen):
		return bad("key_id must be %d lowercase hex digits", KeyIDLen)
	case !lowerHex(s.OrderHash, 2*len(order.Hash{})):
		return bad("order_hash must be %d lowercase hex digits", 2*len(order.Hash{}))
	case s.Amount <= 0 || s.Amount > order.MaxMinor:
		return bad("amount %d outside 1..%d minor units", s.Amount, int64(order.MaxMinor))
	case !lowerHex(s.Credential, CredentialLen):
		return bad("credential must be %d lowercase hex digits", CredentialLen)
	case !lowerHex(s.Nonce, NonceLen):
		return bad("nonce must be %d lowercase hex digits", NonceLen)
	case s.Time.IsZero() || s.Time.Year() < 2000 || s.Time.Year() > 9999:
		return bad("time missing or out of range")
	}
	if _, err := order.LookupCurrency(s.Currency); err != nil {
		return bad("currency %q is not supported", s.Currency)
	}
	return nil
}

func lowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Encode is s as base64url (no padding) of its JSON, the form carried in
// a nexo AdditionalResponse; DecodeStatement reverses it.
func (s Statement) Encode() string {
	raw, err := json.Marshal(s)
	if err != nil {
		// Only a time outside years 0–9999 fails to marshal; Validate
		// refuses those, and an empty answer then fails to decode.
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// DecodeStatement parses Encode's form: at most MaxStatementChars, exactly
// one JSON object with no unknown fields, and a statement that passes
// Validate. The time comes back in UTC. It does not check the signature.
func DecodeStatement(enc string) (Statement, error) {
	if len(enc) > MaxStatementChars {
		return Statement{}, fmt.Errorf("payhost: statement: longer than %d characters", MaxStatementChars)
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return Statement{}, fmt.Errorf("payhost: statement: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var s Statement
	if err := dec.Decode(&s); err != nil {
		return Statement{}, fmt.Errorf("payhost: statement: %w", err)
	}
	if len(bytes.TrimSpace(raw[dec.InputOffset():])) > 0 {
		return Statement{}, errors.New("payhost: statement: trailing data after the object")
	}
	if err := s.Validate(); err != nil {
		return Statement{}, err
	}
	s.Time = s.Time.UTC()
	return s, nil
}
