package catalog

import (
	"strings"

	"payterm/firmware/order"
)

// moneyStyle is how a language writes an amount: a symbol before the
// number where the currency has one its readers know, else the ISO code
// and a space. Both languages group thousands with "," and write decimals
// with "." (GB/T 15835 and mainland tills alike), so "¥1,234.50".
type moneyStyle struct {
	symbols map[string]string
}

// The symbols follow CLDR, except that CNY is "¥" in English too: the
// terminal's market is mainland China, where a till shows "¥" whatever
// the screen's language, so the yen is "JP¥" in both.
var (
	moneyEN = moneyStyle{symbols: map[string]string{
		"CNY": "¥", "JPY": "JP¥", "USD": "$", "EUR": "€", "GBP": "£",
		"HKD": "HK$", "TWD": "NT$", "SGD": "S$", "AUD": "A$", "CAD": "CA$",
	}}
	moneyZH = moneyStyle{symbols: map[string]string{
		"CNY": "¥", "JPY": "JP¥", "USD": "US$", "EUR": "€", "GBP": "£",
		"HKD": "HK$", "TWD": "NT$", "SGD": "S$", "AUD": "A$", "CAD": "CA$",
	}}
)

// Money writes minor units of cur for the customer: exactly the
// currency's ISO 4217 decimals (JPY none, CNY two, KWD three), thousands
// grouped, the sign before the symbol: "¥1,234.50", "-€0.50",
// "JP¥1,200", "CHF 12.50".
func (c Catalog) Money(minor int64, cur order.Currency) string {
	num := order.FormatAmount(minor, cur)
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimPrefix(num, "-")
	whole, frac, _ := strings.Cut(num, ".")
	var b strings.Builder
	b.Grow(len(num) + len(num)/3 + 8)
	if neg {
		b.WriteByte('-')
	}
	if sym, ok := c.lang().money.symbols[cur.Code]; ok {
		b.WriteString(sym)
	} else {
		b.WriteString(cur.Code)
		b.WriteByte(' ')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
