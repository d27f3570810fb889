package order

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits on what one order may hold. They bound memory, screen paging and
// integer arithmetic (MaxQuantity × MaxUnitPrice < 2^63).
const (
	MaxLines       = 500
	MaxDiscounts   = 20
	MaxIDLen       = 64            // bytes
	MaxLabelRunes  = 80            // characters shown to the customer
	MaxCodeLen     = 64            // bytes
	MaxUnitLen     = 8             // bytes
	MaxQuantity    = 1_000_000_000 // thousandths: one million units
	MaxUnitPrice   = 1_000_000_000 // minor units
	MaxOrderAmount = MaxMinor
)

// Validation errors, matched with errors.Is; the wrapping error names the
// offending line.
var (
	ErrEmpty          = errors.New("order has no lines")
	ErrTooManyLines   = errors.New("too many lines")
	ErrField          = errors.New("invalid field")
	ErrLineAmount     = errors.New("line amount is not quantity × unit price")
	ErrTotalMismatch  = errors.New("lines do not sum to the total")
	ErrNegative       = errors.New("negative amount")
	ErrDuplicateLine  = errors.New("duplicate line id")
	ErrTooManyDiscnts = errors.New("too many discounts")
)

// Validate checks that the order is one a customer can be asked to pay:
// a known currency, 1..MaxLines lines with unique IDs, every line amount
// equal to LineAmount(quantity, unit price), discounts within their
// amounts, lines summing to Total, and Total > 0.
func (o *Order) Validate() error {
	if _, err := LookupCurrency(o.Currency.Code); err != nil || currencies[o.Currency.Code] != o.Currency.Exponent {
		return fmt.Errorf("order: currency %q: %w", o.Currency.Code, ErrUnknownCurrency)
	}
	if err := checkText("order id", o.ID, MaxIDLen, 0); err != nil {
		return fmt.Errorf("order: %w", err)
	}
	if len(o.Lines) == 0 {
		return fmt.Errorf("order: %w", ErrEmpty)
	}
	if len(o.Lines) > MaxLines {
		return fmt.Errorf("order: %d lines, at most %d: %w", len(o.Lines), MaxLines, ErrTooManyLines)
	}
	if len(o.Discounts) > MaxDiscounts {
		return fmt.Errorf("order: %d discounts, at most %d: %w", len(o.Discounts), MaxDiscounts, ErrTooManyDiscnts)
	}
	seen := make(map[string]bool, len(o.Lines))
	var sum int64
	for i, l := range o.Lines {
		if err := l.validate(); err != nil {
			return fmt.Errorf("order: line %d (%q): %w", i+1, l.ID, err)
		}
		if seen[l.ID] {
			return fmt.Errorf("order: line %d (%q): %w", i+1, l.ID, ErrDuplicateLine)
		}
		seen[l.ID] = true
		sum += l.Net()
	}
	for i, d := range o.Discounts {
		if err := checkText("discount label", d.Label, MaxLabelRunes*4, MaxLabelRunes); err != nil {
			return fmt.Errorf("order: discount %d: %w", i+1, err)
		}
		if d.Amount < 0 || d.Amount > MaxOrderAmount {
			return fmt.Errorf("order: discount %d: %w", i+1, ErrNegative)
		}
		sum -= d.Amount
	}
	if o.Total <= 0 || o.Total > MaxOrderAmount {
		return fmt.Errorf("order: total %s: %w", FormatAmount(o.Total, o.Currency), ErrNegative)
	}
	if sum != o.Total {
		return fmt.Errorf("order: lines sum to %s, total says %s: %w",
			FormatAmount(sum, o.Currency), FormatAmount(o.Total, o.Currency), ErrTotalMismatch)
	}
	return nil
}

func (l Line) validate() error {
	if l.ID == "" {
		return fmt.Errorf("empty line id: %w", ErrField)
	}
	if err := checkText("line id", l.ID, MaxIDLen, 0); err != nil {
		return err
	}
	if err := checkText("product code", l.ProductCode, MaxCodeLen, 0); err != nil {
		return err
	}
	if l.Label == "" {
		return fmt.Errorf("empty label: %w", ErrField)
	}
	if err := checkText("label", l.Label, MaxLabelRunes*4, MaxLabelRunes); err != nil {
		return err
	}
	if err := checkText("unit", l.Unit, MaxUnitLen, 0); err != nil {
		return err
	}
	if l.Quantity <= 0 || l.Quantity > MaxQuantity {
		return fmt.Errorf("quantity %s out of range: %w", l.Quantity, ErrField)
	}
	if l.UnitPrice < 0 || l.UnitPrice > MaxUnitPrice {
		return fmt.Errorf("unit price %d out of range: %w", l.UnitPrice, ErrNegative)
	}
	if want := LineAmount(l.Quantity, l.UnitPrice); l.Amount != want {
		return fmt.Errorf("amount %d, %s × %d gives %d: %w", l.Amount, l.Quantity, l.UnitPrice, want, ErrLineAmount)
	}
	if l.Discount < 0 || l.Discount > l.Amount {
		return fmt.Errorf("discount %d not within 0..%d: %w", l.Discount, l.Amount, ErrField)
	}
	return nil
}

// checkText rejects invalid UTF-8, control and bidi-override characters
// and over-long text.
// maxRunes 0 means no limit beyond maxBytes.
func checkText(what, s string, maxBytes, maxRunes int) error {
	if len(s) > maxBytes {
		return fmt.Errorf("%s longer than %d bytes: %w", what, maxBytes, ErrField)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not UTF-8: %w", what, ErrField)
	}
	if maxRunes > 0 && utf8.RuneCountInString(s) > maxRunes {
		return fmt.Errorf("%s longer than %d characters: %w", what, maxRunes, ErrField)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%s has a control character: %w", what, ErrField)
		}
		// Bidirectional overrides and isolates would let a label display
		// reversed or reordered: what the customer reads must be what is hashed.
		if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return fmt.Errorf("%s has a bidirectional control character: %w", what, ErrField)
		}
	}
	return nil
}
