package catalog

import (
	"testing"

	"payterm/firmware/order"
)

func TestMoney(t *testing.T) {
	cur := order.MustCurrency
	for _, tt := range []struct {
		tag   string
		minor int64
		cur   string
		want  string
	}{
		{"en", 1250, "CNY", "¥12.50"},
		{"zh", 1250, "CNY", "¥12.50"},
		{"zh", 123456789, "CNY", "¥1,234,567.89"},
		{"en", 0, "CNY", "¥0.00"},
		{"en", 5, "CNY", "¥0.05"},
		{"zh", -50, "CNY", "-¥0.50"},
		{"en", 1200, "JPY", "JP¥1,200"},
		{"zh", 1200, "JPY", "JP¥1,200"},
		{"en", 100000, "JPY", "JP¥100,000"},
		{"en", 999, "USD", "$9.99"},
		{"zh", 999, "USD", "US$9.99"},
		{"en", 123450, "EUR", "€1,234.50"},
		{"zh", -100, "EUR", "-€1.00"},
		{"en", 1234500, "KWD", "KWD 1,234.500"},
		{"zh", 1250, "CHF", "CHF 12.50"},
		{"en", 100000000, "KRW", "KRW 100,000,000"},
		{"en", 99, "HKD", "HK$0.99"},
		{"en", order.MaxMinor, "CNY", "¥10,000,000,000,000.00"},
		{"en", -order.MaxMinor, "JPY", "-JP¥1,000,000,000,000,000"},
	} {
		if got := For(tt.tag).Money(tt.minor, cur(tt.cur)); got != tt.want {
			t.Errorf("%s Money(%d, %s) = %q, want %q", tt.tag, tt.minor, tt.cur, got, tt.want)
		}
	}
}

func BenchmarkMoney(b *testing.B) {
	c, cny := For("zh"), order.MustCurrency("CNY")
	for b.Loop() {
		_ = c.Money(123456789, cny)
	}
}
