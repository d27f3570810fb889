package orderread

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"payterm/firmware/order"
)

// currencyWords maps what receipts print for a currency to its ISO code.
// ¥ is read as CNY: the terminal's market; a JPY receipt says JPY.
var currencyWords = map[string]string{
	"¥": "CNY", "￥": "CNY", "元": "CNY", "RMB": "CNY", "€": "EUR", "$": "USD", "US$": "USD", "HK$": "HKD", "£": "GBP",
}

// currencyOf says which currency a token names, if any.
func currencyOf(tok string) (string, bool) {
	t := strings.TrimRight(strings.TrimSpace(tok), ":：")
	if c, ok := currencyWords[t]; ok {
		return c, true
	}
	if len(t) == 3 && strings.ToUpper(t) == t {
		if _, err := order.LookupCurrency(t); err == nil {
			return t, true
		}
	}
	return "", false
}

// stripCurrency removes a leading currency sign or code ("¥9.00",
// "CNY9.00") and a trailing "元".
func stripCurrency(tok string) string {
	for _, p := range []string{"HK$", "US$", "RMB", "¥", "￥", "€", "$", "£"} {
		if rest, ok := strings.CutPrefix(tok, p); ok {
			tok = rest
			break
		}
	}
	if len(tok) > 3 {
		if _, err := order.LookupCurrency(tok[:3]); err == nil {
			tok = tok[3:]
		}
	}
	return strings.TrimSuffix(tok, "元")
}

// parseMoney reads a printed amount in cur: an optional sign (ASCII or
// U+2212), optional currency sign, thousands separators, and — for a
// currency with minor units — exactly its number of decimals, so a bare
// "2" is a quantity, never money.
func parseMoney(tok string, cur order.Currency) (int64, bool) {
	neg := false
	for _, m := range []string{"-", "−"} {
		if rest, ok := strings.CutPrefix(tok, m); ok {
			neg, tok = true, rest
			break
		}
	}
	tok = stripCurrency(tok)
	if rest, ok := strings.CutPrefix(tok, "-"); ok && !neg {
		neg, tok = true, rest // "¥-1.00"
	}
	intPart, frac, dot := strings.Cut(tok, ".")
	if cur.Exponent > 0 && (!dot || len(frac) != cur.Exponent) || cur.Exponent == 0 && dot {
		return 0, false
	}
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		intPart = strings.Join(groups, "")
	}
	s := intPart
	if dot {
		s += "." + frac
	}
	v, err := order.ParseAmount(s, cur)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// unitWords are the units of measure a quantity may carry.
var unitWords = map[string]bool{
	"kg": true, "g": true, "l": true, "ml": true, "m": true, "pc": true, "pcs": true, "lb": true,
	"个": true, "件": true, "斤": true, "公斤": true, "克": true, "瓶": true, "盒": true, "袋": true, "份": true,
}

// isUnit says tok is a unit of measure.
func isUnit(tok string) bool { return unitWords[strings.ToLower(tok)] }

// isTimes says tok is the "times" sign between a quantity and a price.
func isTimes(tok string) bool {
	switch strings.ToLower(tok) {
	case "x", "×", "*", "@":
		return true
	}
	return false
}

// parseQty reads a quantity with an optional unit stuck to it ("2",
// "0.455", "0.455kg", "x2", "2×"). The unit is "" when none is attached.
func parseQty(tok string) (order.Quantity, string, bool) {
	for _, t := range []string{"x", "X", "×", "*"} {
		if rest, ok := strings.CutPrefix(tok, t); ok && rest != "" {
			tok = rest
			break
		}
		if rest, ok := strings.CutSuffix(tok, t); ok && rest != "" {
			tok = rest
			break
		}
	}
	end := 0
	for end < len(tok) && (tok[end] >= '0' && tok[end] <= '9' || tok[end] == '.') {
		end++
	}
	num, unit := tok[:end], tok[end:]
	if num == "" || unit != "" && !isUnit(unit) {
		return 0, "", false
	}
	q, err := order.ParseQuantity(num)
	if err != nil || q <= 0 {
		return 0, "", false
	}
	return q, strings.ToLower(unit), true
}

// hasWordy says tok holds a letter or ideograph: part of a label, not a
// number, unit or sign.
func hasWordy(tok string) bool {
	if isUnit(tok) || isTimes(tok) {
		return false
	}
	for _, r := range tok {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// hasKeyword says the text holds one of the words, case-insensitively
// for Latin letters; a Latin word must stand alone ("Total" is not in
// "Subtotal").
func hasKeyword(text string, words ...string) bool {
	lower := strings.ToLower(text)
	for _, w := range words {
		i := strings.Index(lower, w)
		for i >= 0 {
			r, _ := utf8.DecodeRuneInString(w)
			if r >= utf8.RuneSelf {
				return true // CJK words need no word boundary
			}
			before, _ := utf8.DecodeLastRuneInString(lower[:i])
			after, _ := utf8.DecodeRuneInString(lower[i+len(w):])
			if !isASCIILetter(before) && !isASCIILetter(after) {
				return true
			}
			next := strings.Index(lower[i+1:], w)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return false
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
