package order

import (
	"fmt"
)

// Quantity is a decimal quantity in thousandths of a unit: 1 piece is
// 1000, 0.5 kg is 500. Three decimals cover weighed goods to the gram.
type Quantity int64

// QuantityScale is the number of decimals a Quantity carries.
const QuantityScale = 3

// One is a quantity of exactly one unit.
const One Quantity = 1000

// ParseQuantity parses a decimal quantity such as "2" or "0.455".
func ParseQuantity(s string) (Quantity, error) {
	v, err := parseFixed(s, QuantityScale)
	if err != nil {
		return 0, fmt.Errorf("order: quantity %q: %w", s, err)
	}
	return Quantity(v), nil
}

// String formats the quantity without trailing zeros ("2", "0.455").
func (q Quantity) String() string {
	s := formatFixed(int64(q), QuantityScale)
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// Line is one itemized line of an order. Amounts are minor units of the
// order's currency.
type Line struct {
	ID          string   // the POS's line identifier, unique within the order
	ProductCode string   // SKU or EAN; may be empty
	Label       string   // what the customer reads, UTF-8 (CJK welcome)
	Quantity    Quantity // thousandths of Unit
	Unit        string   // unit of measure: "" for pieces, "kg", "l", …
	UnitPrice   int64    // price of one Unit
	Amount      int64    // Quantity × UnitPrice, rounded per LineAmount
	Discount    int64    // discount on this line, ≥ 0, ≤ Amount
}

// Net is the line's amount after its discount.
func (l Line) Net() int64 { return l.Amount - l.Discount }

// Discount is an order-level reduction (coupon, loyalty) in minor units.
type Discount struct {
	Label  string
	Amount int64 // ≥ 0
}

// Order is what the POS asks the customer to pay for.
type Order struct {
	ID        string // the POS's transaction ID (nexo SaleTransactionID)
	Currency  Currency
	Lines     []Line
	Discounts []Discount
	Total     int64 // Σ line Net − Σ Discounts, in minor units
}

// LineAmount is the stated rounding rule: quantity × unit price, rounded
// half away from zero to the currency's minor unit (commercial rounding).
func LineAmount(q Quantity, unitPrice int64) int64 {
	p := int64(q) * unitPrice // bounded by Validate's limits: no overflow
	const half = 500
	if p >= 0 {
		return (p + half) / 1000
	}
	return -((-p + half) / 1000)
}

// Sum returns Σ line Net − Σ order discounts: what Total must equal.
func (o *Order) Sum() int64 {
	var s int64
	for _, l := range o.Lines {
		s += l.Net()
	}
	for _, d := range o.Discounts {
		s -= d.Amount
	}
	return s
}
