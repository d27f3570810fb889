// Package orderread turns what a POS produces — a receipt PDF, a JSON or
// CSV order file, a request to the agent's local API — into an order the
// agent can send, with what it is unsure of: a confidence per field and
// the problems found by checking the arithmetic. Every source ends in the
// same Read and the same Check, so a read that does not add up is held for
// the cashier whatever it came from.
//
// The screen-region source (pos/ocr, pos/receipttext) produces the same
// Read, with each field's place in the captured region in Field.Box.
package orderread

import (
	"errors"
	"fmt"
	"image"

	"payterm/firmware/order"
)

// Read is an order as read from a source, with how sure the reader is of
// each field and what does not add up. Order holds the best reading even
// when Problems is not empty; it is sendable only when OK.
type Read struct {
	Order    order.Order
	Fields   []Field   // the fields as read; a field not listed is certain (structured sources list none)
	Problems []Problem // empty when the order is consistent and every field is certain
	Source   string    // what it came from: "pdf:receipt.pdf", "csv:…", "json:…", "api"
}

// Field is one field as read. Line is the 0-based index into
// Order.Lines, or OrderLevel for the order's own fields (id, currency,
// total) and -1-i for order discount i (see DiscountLine).
type Field struct {
	Line       int
	Name       string  // one of the Name… constants
	Text       string  // the text it was read from
	Confidence float64 // 0..1; structured sources and PDF text are 1
	// Box is where the field is in the source (pixels of a captured
	// screen region); empty when the source has no geometry.
	Box image.Rectangle
}

// Problem is something the cashier must look at before the order may be
// sent. Line and Name address the field as in Field (Name empty: the
// whole line or order).
type Problem struct {
	Line    int
	Name    string
	Message string
}

// OrderLevel is Field.Line for the order's own fields.
const OrderLevel = -1000

// DiscountLine is Field.Line for order discount i.
func DiscountLine(i int) int { return -1 - i }

// Field names.
const (
	NameID        = "id"
	NameCurrency  = "currency"
	NameTotal     = "total"
	NameLabel     = "label"
	NameQuantity  = "quantity"
	NameUnit      = "unit"
	NameUnitPrice = "unit_price"
	NameAmount    = "amount"
	NameDiscount  = "discount"
)

// LowConfidence is the confidence below which a field is a problem.
const LowConfidence = 0.8

// Confidence is the confidence of the field (1 when not listed).
func (r Read) Confidence(line int, name string) float64 {
	for _, f := range r.Fields {
		if f.Line == line && f.Name == name {
			return f.Confidence
		}
	}
	return 1
}

// OK says the read may go to the terminal as it is.
func (r Read) OK() bool { return len(r.Problems) == 0 }

// Sendable is OK for a read that has not been through Check: no problems
// and an order the terminal would accept.
func (r Read) Sendable() bool { return r.OK() && r.Order.Validate() == nil }

// Err describes the problems as one error (nil when OK).
func (r Read) Err() error {
	var errs []error
	for _, p := range r.Problems {
		errs = append(errs, errors.New(p.String()))
	}
	return errors.Join(errs...)
}

func (p Problem) String() string {
	switch {
	case p.Line == OrderLevel && p.Name == "":
		return p.Message
	case p.Line == OrderLevel:
		return fmt.Sprintf("%s: %s", p.Name, p.Message)
	case p.Line < 0:
		return fmt.Sprintf("discount %d %s: %s", -p.Line, p.Name, p.Message)
	}
	return fmt.Sprintf("line %d %s: %s", p.Line+1, p.Name, p.Message)
}

// Check recomputes r.Problems: every field below LowConfidence, every
// line whose amount is not quantity × unit price, a total that is not
// the lines' sum, and whatever order.Validate still refuses. It is the
// one validation every source goes through.
func Check(r Read) Read {
	r.Problems = nil
	for _, f := range r.Fields {
		switch {
		case f.Confidence < LowConfidence && f.Text == "":
			r.Problems = append(r.Problems, Problem{f.Line, f.Name, "not found"})
		case f.Confidence < LowConfidence:
			r.Problems = append(r.Problems, Problem{f.Line, f.Name, fmt.Sprintf("read %q with low confidence (%.0f%%)", f.Text, 100*f.Confidence)})
		}
	}
	o := &r.Order
	for i, l := range o.Lines {
		if want := order.LineAmount(l.Quantity, l.UnitPrice); l.Amount != want {
			r.Problems = append(r.Problems, Problem{i, NameAmount, fmt.Sprintf("%s × %s is %s, not %s",
				l.Quantity, order.FormatAmount(l.UnitPrice, o.Currency), order.FormatAmount(want, o.Currency), order.FormatAmount(l.Amount, o.Currency))})
		}
	}
	if sum := o.Sum(); sum != o.Total {
		r.Problems = append(r.Problems, Problem{OrderLevel, NameTotal, fmt.Sprintf("the lines add up to %s, the total says %s",
			order.FormatAmount(sum, o.Currency), order.FormatAmount(o.Total, o.Currency))})
	}
	// What the arithmetic above did not already name (empty order,
	// labels, limits, currency).
	if err := o.Validate(); err != nil && !errors.Is(err, order.ErrLineAmount) && !errors.Is(err, order.ErrTotalMismatch) {
		r.Problems = append(r.Problems, Problem{Line: OrderLevel, Message: err.Error()})
	}
	return r
}

// FromOrder is the Read of an order taken from a structured source: every
// field certain, then checked.
func FromOrder(o order.Order, source string) Read {
	r := Read{Order: o, Source: source}
	return Check(r)
}
