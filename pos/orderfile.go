// Package pos is the POS side of payterm: it reads orders, sends them to a
// terminal over the nexo link (HTTPS or a serial port), relays captured
// credentials to the payment system, and reports outcomes.
package pos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"payterm/firmware/order"
)

// OrderFile is the JSON a cashier's system hands the POS agent. Amounts are
// decimal strings in major units so no float ever touches money. Amount
// and Total may be left out: the agent computes them with the terminal's
// rounding rule; when given, they are sent as they are (and a wrong one is
// refused by the terminal).
type OrderFile struct {
	ID        string         `json:"id"`
	Currency  string         `json:"currency"`
	Lines     []LineFile     `json:"lines"`
	Discounts []DiscountFile `json:"discounts,omitempty"`
	Total     string         `json:"total,omitempty"`
}

// LineFile is one line of an OrderFile.
type LineFile struct {
	ID        string `json:"id"`
	Code      string `json:"code,omitempty"`
	Label     string `json:"label"`
	Qty       string `json:"qty"`            // decimal, "1" when empty
	Unit      string `json:"unit,omitempty"` // "", "kg", "l", …
	UnitPrice string `json:"unit_price"`
	Amount    string `json:"amount,omitempty"`
	Discount  string `json:"discount,omitempty"`
}

// DiscountFile is an order-level discount.
type DiscountFile struct {
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

// maxOrderFile bounds what ReadOrder reads.
const maxOrderFile = 1 << 20

// ReadOrder parses an order file. It checks syntax and numbers, not the
// order's consistency: that is the terminal's job (order.Validate), and a
// POS integrator must be able to send a wrong order to see it refused.
func ReadOrder(r io.Reader) (order.Order, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxOrderFile+1))
	if err != nil {
		return order.Order{}, fmt.Errorf("pos: read order: %w", err)
	}
	if len(data) > maxOrderFile {
		return order.Order{}, fmt.Errorf("pos: order file larger than %d bytes", maxOrderFile)
	}
	var f OrderFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return order.Order{}, fmt.Errorf("pos: order file: %w", err)
	}
	return f.Order()
}

// Order converts the file form.
func (f OrderFile) Order() (order.Order, error) {
	cur, err := order.LookupCurrency(f.Currency)
	if err != nil {
		return order.Order{}, fmt.Errorf("pos: %w", err)
	}
	o := order.Order{ID: f.ID, Currency: cur}
	amount := func(what, s string) (int64, error) {
		v, err := order.ParseAmount(s, cur)
		if err != nil {
			return 0, fmt.Errorf("pos: %s: %w", what, err)
		}
		return v, nil
	}
	for i, lf := range f.Lines {
		what := fmt.Sprintf("line %d", i+1)
		qs := lf.Qty
		if qs == "" {
			qs = "1"
		}
		q, err := order.ParseQuantity(qs)
		if err != nil {
			return order.Order{}, fmt.Errorf("pos: %s: %w", what, err)
		}
		up, err := amount(what+" unit price", lf.UnitPrice)
		if err != nil {
			return order.Order{}, err
		}
		l := order.Line{ID: lf.ID, ProductCode: lf.Code, Label: lf.Label, Quantity: q, Unit: lf.Unit, UnitPrice: up, Amount: order.LineAmount(q, up)}
		if lf.Amount != "" {
			if l.Amount, err = amount(what+" amount", lf.Amount); err != nil {
				return order.Order{}, err
			}
		}
		if lf.Discount != "" {
			if l.Discount, err = amount(what+" discount", lf.Discount); err != nil {
				return order.Order{}, err
			}
		}
		o.Lines = append(o.Lines, l)
	}
	for i, df := range f.Discounts {
		a, err := amount(fmt.Sprintf("discount %d", i+1), df.Amount)
		if err != nil {
			return order.Order{}, err
		}
		o.Discounts = append(o.Discounts, order.Discount{Label: df.Label, Amount: a})
	}
	o.Total = o.Sum()
	if f.Total != "" {
		if o.Total, err = amount("total", f.Total); err != nil {
			return order.Order{}, err
		}
	}
	return o, nil
}
