// Package orderread is what an order source that reads a POS's output
// (screen region + OCR, receipt PDF) hands on: the order as read, a
// confidence per field, and the problems that keep it from going to the
// terminal without the cashier. A Read with problems is shown to the
// cashier for correction; it is never sent as it is.
package orderread

import (
	"image"

	"payterm/firmware/order"
)

// FieldName names a field of a line or of the order.
type FieldName string

const (
	Label     FieldName = "label"
	Quantity  FieldName = "quantity"
	UnitPrice FieldName = "unit_price"
	Amount    FieldName = "amount"
	Discount  FieldName = "discount" // an order-level discount line
	Total     FieldName = "total"
)

// Field is one value as read.
type Field struct {
	// Line is the index in Order.Lines for line fields, the index in
	// Order.Discounts for Discount, -1 for Total.
	Line int
	Name FieldName
	Text string // what was read, normalised
	// Conf is 0..1: the reader's confidence in the characters times the
	// parser's confidence in how it understood them. 0 means unreadable.
	Conf float64
	// Box is where the field is in the source (pixels of the captured
	// region); empty when the source has no geometry.
	Box image.Rectangle
}

// Problem is a reason the read needs the cashier.
type Problem struct {
	Line   int       // as Field.Line; -1 for the order as a whole
	Name   FieldName // empty when the problem is not one field's
	Reason string    // English, for the cashier
}

// Read is an order read from a POS's output. Order holds what could be
// read (unreadable numbers are 0); Fields has one entry per field of
// Order; Problems is empty only when every field is confident and the
// arithmetic holds (line amounts, discounts and total).
type Read struct {
	Order    order.Order
	Fields   []Field
	Problems []Problem
}

// Sendable reports whether the read may go to the terminal without the
// cashier: no problems and an order the terminal would accept.
func (r Read) Sendable() bool {
	return len(r.Problems) == 0 && r.Order.Validate() == nil
}
