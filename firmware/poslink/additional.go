package poslink

import (
	"net/url"
	"strings"
)

// AdditionalResponse keys written by this terminal.
const (
	AddMessage   = "message"    // readable reason
	AddOrderHash = "orderHash"  // hex order.Hash of the confirmed order
	AddFlagged   = "flagged"    // ItemIDs the customer reported, comma-separated
	AddMethod    = "method"     // "code" or "face" (never the credential)
	AddState     = "state"      // TransactionStatus: "interrupted"
	AddAttempt   = "outTradeNo" // the terminal's reference of the charge attempt at the payment system
	AddStatement = "statement"  // relay: the terminal's signed statement (payhost.Statement.Encode)
	AddReference = "reference"  // the payment system's reference of a charge
)

// formatAdditional writes key=value pairs in the given order, joined by
// '&', each escaped as in a URL query except that ',' is kept and a space
// is %20, so that "flagged=2,3&message=wrong%20price" stays readable.
// Pairs with an empty value are left out.
func formatAdditional(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(escapeAdditional(kv[i]))
		b.WriteByte('=')
		b.WriteString(escapeAdditional(kv[i+1]))
	}
	return b.String()
}

func escapeAdditional(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == ',':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// ParseAdditional reads an AdditionalResponse into its key=value pairs.
// Adyen's own keys (pspReference, ...) come through as well. Malformed
// pairs are skipped.
func ParseAdditional(s string) url.Values {
	v, _ := url.ParseQuery(s) // keeps the pairs that parse
	return v
}
