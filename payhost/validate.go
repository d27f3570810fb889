package payhost

import (
	"fmt"
	"unicode/utf8"

	"payterm/firmware/order"
)

// Limits on request fields, in bytes.
const (
	MaxOutTradeNo  = 64
	MaxAuthCode    = 128
	MaxTerminalID  = 64
	MaxDescription = 256
	MaxSignature   = 128 // a base64 Ed25519 signature is 88
)

// ValidOutTradeNo reports whether s can be an OutTradeNo: 1–MaxOutTradeNo
// characters of A–Z a–z 0–9 '-' '_' ':'. The set is safe in a URL path
// segment, so no reference can be confused with another route.
func ValidOutTradeNo(s string) bool {
	if s == "" || len(s) > MaxOutTradeNo {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}

// Validate checks the protocol rules of PayRequest's fields. It does not
// judge the AuthCode beyond presence and length: an unknown or malformed
// code is the payment system's business answer (a FAIL), not a protocol
// error. Likewise a missing statement or a signature that does not match
// is refused by the payment system, not here; a statement present must
// be well-formed (Statement.Validate). Errors wrap ErrInvalidRequest and
// never contain the AuthCode.
func (r PayRequest) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("payhost: %w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
	}
	switch {
	case !ValidOutTradeNo(r.OutTradeNo):
		return bad("out_trade_no must be 1-%d characters of A-Z a-z 0-9 - _ :", MaxOutTradeNo)
	case r.AuthCode == "":
		return bad("auth_code is missing")
	case len(r.AuthCode) > MaxAuthCode:
		return bad("auth_code longer than %d bytes", MaxAuthCode)
	case r.Amount <= 0 || r.Amount > order.MaxMinor:
		return bad("amount %d outside 1..%d minor units", r.Amount, int64(order.MaxMinor))
	case len(r.TerminalID) > MaxTerminalID || !utf8.ValidString(r.TerminalID):
		return bad("terminal_id must be UTF-8 of at most %d bytes", MaxTerminalID)
	case len(r.Description) > MaxDescription || !utf8.ValidString(r.Description):
		return bad("description must be UTF-8 of at most %d bytes", MaxDescription)
	case len(r.Signature) > MaxSignature:
		return bad("signature longer than %d bytes", MaxSignature)
	case r.PhoneLast4 != "" && !fourDigits(r.PhoneLast4):
		return bad("phone_last4 must be 4 digits")
	}
	if _, err := order.LookupCurrency(r.Currency); err != nil {
		return bad("currency %q is not supported", r.Currency)
	}
	if _, err := order.ParseHash(r.OrderHash); err != nil {
		return bad("order_hash must be 64 hex digits")
	}
	if r.Statement != nil {
		return r.Statement.Validate()
	}
	return nil
}

// fourDigits reports whether s is exactly four ASCII digits.
func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
