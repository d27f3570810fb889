package order

import (
	"errors"
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	jpy, eur, cny, usd, kwd := MustCurrency("JPY"), MustCurrency("EUR"), MustCurrency("CNY"), MustCurrency("USD"), MustCurrency("KWD")
	tests := []struct {
		in   string
		cur  Currency
		want int64
		err  error // nil: success
	}{
		{"1200", jpy, 1200, nil},
		{"0", jpy, 0, nil},
		{"1.0", jpy, 1, nil},        // zeros beyond the exponent are harmless
		{"1.5", jpy, 0, errPrecise}, // JPY has no minor unit
		{"12.5", eur, 1250, nil},
		{"12.50", eur, 1250, nil},
		{"12.500", eur, 1250, nil},
		{"12.505", eur, 0, errPrecise},
		{"0.05", eur, 5, nil},
		{"007.10", eur, 710, nil},
		{"-3.20", eur, -320, nil},
		{"-0", eur, 0, nil},
		{"99.99", cny, 9999, nil},
		{"1234567.89", usd, 123456789, nil},
		{"1.234", kwd, 1234, nil},
		{"1000000000000000", jpy, MaxMinor, nil},
		{"1000000000000001", jpy, 0, errTooLarge},
		{"10000000000000.00", eur, MaxMinor, nil},
		{"10000000000000.01", eur, 0, errTooLarge},
		{"99999999999999999", eur, 0, errTooLarge},
		{"9223372036854775807", jpy, 0, errTooLarge},
		{"", eur, 0, errSyntax},
		{"-", eur, 0, errSyntax},
		{".5", eur, 0, errSyntax},
		{"1.", eur, 0, errSyntax},
		{"+1", eur, 0, errSyntax},
		{"--1", eur, 0, errSyntax},
		{" 1", eur, 0, errSyntax},
		{"1 ", eur, 0, errSyntax},
		{"1e3", eur, 0, errSyntax},
		{"1,50", eur, 0, errSyntax},
		{"1.2.3", eur, 0, errSyntax},
		{"１２", jpy, 0, errSyntax}, // full-width digits are not ASCII digits
		{"0x10", eur, 0, errSyntax},
		{strings.Repeat("0", 40) + "1", jpy, 0, errSyntax}, // over the length limit
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in, tt.cur)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseAmount(%q, %s) = %d, %v; want error %v", tt.in, tt.cur.Code, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tt.in, tt.cur.Code, got, err, tt.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	jpy, eur, usd, kwd := MustCurrency("JPY"), MustCurrency("EUR"), MustCurrency("USD"), MustCurrency("KWD")
	tests := []struct {
		minor int64
		cur   Currency
		plain string // FormatAmount
		shown string // Display
	}{
		{1200, jpy, "1200", "JPY 1,200"},
		{0, jpy, "0", "JPY 0"},
		{999, jpy, "999", "JPY 999"},
		{1000, jpy, "1000", "JPY 1,000"},
		{-1234567, jpy, "-1234567", "JPY -1,234,567"},
		{1250, eur, "12.50", "EUR 12.50"},
		{5, eur, "0.05", "EUR 0.05"},
		{0, eur, "0.00", "EUR 0.00"},
		{-5, eur, "-0.05", "EUR -0.05"},
		{123450, eur, "1234.50", "EUR 1,234.50"},
		{100000000, usd, "1000000.00", "USD 1,000,000.00"},
		{1, kwd, "0.001", "KWD 0.001"},
		{MaxMinor, eur, "10000000000000.00", "EUR 10,000,000,000,000.00"},
		// Reached through Validate's error message for a hostile total.
		{math.MinInt64, eur, "-92233720368547758.08", "EUR -92,233,720,368,547,758.08"},
		{math.MaxInt64, jpy, "9223372036854775807", "JPY 9,223,372,036,854,775,807"},
	}
	for _, tt := range tests {
		if got := FormatAmount(tt.minor, tt.cur); got != tt.plain {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", tt.minor, tt.cur.Code, got, tt.plain)
		}
		if got := Display(tt.minor, tt.cur); got != tt.shown {
			t.Errorf("Display(%d, %s) = %q, want %q", tt.minor, tt.cur.Code, got, tt.shown)
		}
	}
}

func TestLookupCurrency(t *testing.T) {
	for code, exp := range map[string]int{"JPY": 0, "EUR": 2, "CNY": 2, "USD": 2, "KWD": 3} {
		c, err := LookupCurrency(code)
		if err != nil || c.Code != code || c.Exponent != exp {
			t.Errorf("LookupCurrency(%q) = %+v, %v; want exponent %d", code, c, err, exp)
		}
	}
	for _, code := range []string{"", "XXX", "eur", "EURO", "BTC"} {
		if _, err := LookupCurrency(code); !errors.Is(err, ErrUnknownCurrency) {
			t.Errorf("LookupCurrency(%q) err = %v, want ErrUnknownCurrency", code, err)
		}
	}
}

// plainDecimal is the syntax ParseAmount documents: an optional '-',
// digits, and optionally '.' and more digits.
var plainDecimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// FuzzParseAmount checks ParseAmount against math/big: it accepts exactly
// the plain decimals that are whole in minor units and within MaxMinor,
// returns their exact value, and FormatAmount gives a string that parses
// back to the same value.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "12.50", "-3.2", "1.005", "1000000000000000", "007.10", "1e3", "", ".5", "1.", "-0.000"} {
		for _, exp := range []uint8{0, 2, 3} {
			f.Add(s, exp)
		}
	}
	f.Fuzz(func(t *testing.T, s string, exp uint8) {
		cur := Currency{Code: "XTS", Exponent: int(exp % 4)}
		got, err := ParseAmount(s, cur)

		want, ok := exactMinor(s, cur.Exponent)
		if ok && len(s) <= 40 {
			if err != nil || got != want {
				t.Fatalf("ParseAmount(%q, exp %d) = %d, %v; want %d", s, cur.Exponent, got, err, want)
			}
		} else if err == nil {
			t.Fatalf("ParseAmount(%q, exp %d) = %d; want an error", s, cur.Exponent, got)
		}
		if err != nil {
			return
		}
		text := FormatAmount(got, cur)
		back, err := ParseAmount(text, cur)
		if err != nil || back != got {
			t.Fatalf("round trip %q → %d → %q → %d, %v", s, got, text, back, err)
		}
		if again := FormatAmount(back, cur); again != text {
			t.Fatalf("FormatAmount not canonical: %q then %q", text, again)
		}
		if d := Display(got, cur); strings.ReplaceAll(strings.TrimPrefix(d, "XTS "), ",", "") != text {
			t.Fatalf("Display(%d) = %q, disagrees with %q", got, d, text)
		}
	})
}

// exactMinor is the oracle: s's value in minor units if s is a plain
// decimal that is a whole number of minor units within ±MaxMinor.
func exactMinor(s string, exp int) (int64, bool) {
	if !plainDecimal.MatchString(s) {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	if !r.IsInt() || r.Num().CmpAbs(big.NewInt(MaxMinor)) > 0 {
		return 0, false
	}
	return r.Num().Int64(), true
}
