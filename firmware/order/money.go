// Package order is the terminal's model of what the customer is asked to
// pay for: money in integer minor units with an ISO 4217 currency, itemized
// lines with decimal quantities, discounts, validation and a canonical hash.
//
// It is pure: no I/O, no clock, no globals that change.
package order

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 alphabetic code with its minor-unit exponent
// (JPY 0, EUR 2). The zero value is invalid.
type Currency struct {
	Code     string
	Exponent int
}

// currencies lists the codes the terminal accepts. A fixed table, read
// only, so an unknown currency is refused instead of guessed.
var currencies = map[string]int{
	"JPY": 0, "KRW": 0,
	"CNY": 2, "HKD": 2, "TWD": 2, "SGD": 2, "EUR": 2, "USD": 2, "GBP": 2,
	"CHF": 2, "AUD": 2, "CAD": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2,
	"KWD": 3, "BHD": 3,
}

// ErrUnknownCurrency is returned for a code not in the terminal's table.
var ErrUnknownCurrency = errors.New("unknown currency")

// LookupCurrency returns the currency for an ISO 4217 code.
func LookupCurrency(code string) (Currency, error) {
	exp, ok := currencies[code]
	if !ok {
		return Currency{}, fmt.Errorf("order: %w %q", ErrUnknownCurrency, code)
	}
	return Currency{Code: code, Exponent: exp}, nil
}

// MustCurrency is LookupCurrency for codes known at compile time; it panics
// on a programmer error only.
func MustCurrency(code string) Currency {
	c, err := LookupCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// MaxMinor bounds any amount in minor units (10^15), far above any retail
// total and far below int64 overflow even after multiplying by quantities.
const MaxMinor = 1_000_000_000_000_000

// ParseAmount parses a decimal amount in major units ("12.5", "1200") into
// minor units of cur. More fractional digits than the currency has, signs
// other than a leading '-', exponents and amounts beyond MaxMinor are errors.
func ParseAmount(s string, cur Currency) (int64, error) {
	v, err := parseFixed(s, cur.Exponent)
	if err != nil {
		return 0, fmt.Errorf("order: amount %q in %s: %w", s, cur.Code, err)
	}
	return v, nil
}

// FormatAmount writes minor units as a plain decimal in major units with
// exactly the currency's number of decimals ("12.50", "1200").
func FormatAmount(minor int64, cur Currency) string {
	return formatFixed(minor, cur.Exponent)
}

// Display formats an amount for the customer: thousands separators and the
// currency code ("EUR 1,234.50", "JPY 1,200").
func Display(minor int64, cur Currency) string {
	s := formatFixed(minor, cur.Exponent)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return cur.Code + " " + out
}

var (
	errSyntax   = errors.New("not a plain decimal number")
	errPrecise  = errors.New("too many decimal places")
	errTooLarge = errors.New("too large")
)

// parseFixed parses a decimal string into an integer scaled by 10^scale.
func parseFixed(s string, scale int) (int64, error) {
	if s == "" || len(s) > 40 {
		return 0, errSyntax
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") {
		return 0, errSyntax
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, errSyntax
			}
		}
	}
	// Trailing zeros beyond the scale are harmless ("1.500" for JPY 0 is not,
	// "1.50" for EUR is).
	frac = strings.TrimRight(frac, "0")
	if len(frac) > scale {
		return 0, errPrecise
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 16 {
		return 0, errTooLarge
	}
	digits := intPart + frac + strings.Repeat("0", scale-len(frac))
	if digits == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v > MaxMinor {
		return 0, errTooLarge
	}
	if neg {
		v = -v
	}
	return v, nil
}

func formatFixed(v int64, scale int) string {
	neg := v < 0
	mag := uint64(v)
	if neg {
		mag = -mag // two's complement: right even for math.MinInt64
	}
	s := strconv.FormatUint(mag, 10)
	if scale > 0 {
		if len(s) <= scale {
			s = strings.Repeat("0", scale-len(s)+1) + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
