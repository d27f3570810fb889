package poslink

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"payterm/firmware/order"
)

// Conversions between nexo SaleItems and order.Order. Amounts are parsed
// from their JSON literal text by order.ParseAmount and ParseQuantity, so
// "0.1" is exactly 10 cents; the conversion is exact both ways, which lets
// the POS check that the hash the terminal reports is the hash of the
// order it sent.

// unitNames maps nexo UnitOfMeasure to order.Line.Unit, one to one. Pieces
// have no unit: "" (nexo "Piece", "Other" or no UnitOfMeasure). Read only.
var unitNames = [...][2]string{
	{"Case", "case"},
	{"Centilitre", "cl"},
	{"Centimetre", "cm"},
	{"Foot", "ft"},
	{"Gram", "g"},
	{"Inch", "in"},
	{"Kilogram", "kg"},
	{"Kilometre", "km"},
	{"Litre", "l"},
	{"Meter", "m"},
	{"Mile", "mi"},
	{"Ounce", "oz"},
	{"Pint", "pt"},
	{"Pound", "lb"},
	{"Quart", "qt"},
	{"UKGallon", "gal-uk"},
	{"USGallon", "gal-us"},
	{"Yard", "yd"},
}

// unitFromNexo returns the order unit for a nexo UnitOfMeasure.
func unitFromNexo(u string) (string, bool) {
	switch u {
	case "", "Piece", "Other":
		return "", true
	}
	for _, p := range unitNames {
		if p[0] == u {
			return p[1], true
		}
	}
	return "", false
}

// unitToNexo returns the nexo UnitOfMeasure for an order unit; pieces
// ("") have none.
func unitToNexo(u string) (string, bool) {
	if u == "" {
		return "", true
	}
	for _, p := range unitNames {
		if p[1] == u {
			return p[0], true
		}
	}
	return "", false
}

// orderFromPayment builds and validates the order of a PaymentRequest.
func orderFromPayment(p *PaymentRequest) (order.Order, error) {
	t := &p.PaymentTransaction
	return buildOrder(p.SaleData.SaleTransactionID.TransactionID, t.AmountsReq.Currency,
		"RequestedAmount", t.AmountsReq.RequestedAmount, t.SaleItem, t.OrderDiscount)
}

// orderFromAcquisition builds and validates the order of a
// CardAcquisitionRequest (payterm extension fields).
func orderFromAcquisition(c *CardAcquisitionRequest) (order.Order, error) {
	t := &c.CardAcquisitionTransaction
	return buildOrder(c.SaleData.SaleTransactionID.TransactionID, t.Currency,
		"TotalAmount", t.TotalAmount, t.SaleItem, t.OrderDiscount)
}

// buildOrder converts the wire fields into an order.Order, validated
// except for amounts that do not add up (see customerSees).
// Errors wrap ErrMessageFormat and, where order found them, order's
// errors (order.ErrTotalMismatch, order.ErrUnknownCurrency, ...).
func buildOrder(txID, currency, totalName string, total json.Number, items []SaleItem, discounts []OrderDiscount) (order.Order, error) {
	fail := func(err error) (order.Order, error) {
		return order.Order{}, fmt.Errorf("%w: %w", ErrMessageFormat, err)
	}
	if txID == "" {
		return fail(errors.New("SaleData.SaleTransactionID.TransactionID missing"))
	}
	cur, err := order.LookupCurrency(currency)
	if err != nil {
		return fail(err)
	}
	if total == "" {
		return fail(fmt.Errorf("%s missing", totalName))
	}
	if len(items) == 0 {
		return fail(errors.New("no SaleItem: this terminal shows itemized orders only"))
	}
	if len(items) > order.MaxLines {
		return fail(fmt.Errorf("%d SaleItems, at most %d: %w", len(items), order.MaxLines, order.ErrTooManyLines))
	}
	if len(discounts) > order.MaxDiscounts {
		return fail(fmt.Errorf("%d OrderDiscounts, at most %d: %w", len(discounts), order.MaxDiscounts, order.ErrTooManyDiscnts))
	}
	o := order.Order{ID: txID, Currency: cur, Lines: make([]order.Line, 0, len(items))}
	if o.Total, err = order.ParseAmount(string(total), cur); err != nil {
		return fail(fmt.Errorf("%s: %w", totalName, err))
	}
	for i := range items {
		l, err := lineFromItem(&items[i], cur)
		if err != nil {
			return fail(fmt.Errorf("SaleItem %d: %w", i+1, err))
		}
		o.Lines = append(o.Lines, l)
	}
	for i, d := range discounts {
		amount, err := order.ParseAmount(string(d.Amount), cur)
		if err != nil {
			return fail(fmt.Errorf("OrderDiscount %d: %w", i+1, err))
		}
		o.Discounts = append(o.Discounts, order.Discount{Label: d.Label, Amount: amount})
	}
	if err := o.Validate(); err != nil && !customerSees(err) {
		return fail(err)
	}
	return o, nil
}

// customerSees reports whether a validation error is one the terminal
// refuses on screen rather than on the link alone: amounts that do not add
// up. The customer sees the "order refused" screen and the POS gets the
// same Failure from the terminal's checkout, which validates again.
func customerSees(err error) bool {
	return errors.Is(err, order.ErrTotalMismatch) || errors.Is(err, order.ErrLineAmount)
}

func lineFromItem(it *SaleItem, cur order.Currency) (order.Line, error) {
	if it.ItemID == "" {
		return order.Line{}, errors.New("ItemID missing")
	}
	id, err := strconv.ParseUint(string(it.ItemID), 10, 63)
	if err != nil {
		return order.Line{}, fmt.Errorf("ItemID %.20q is not a non-negative integer", it.ItemID)
	}
	unit, ok := unitFromNexo(it.UnitOfMeasure)
	if !ok {
		return order.Line{}, fmt.Errorf("unknown UnitOfMeasure %.20q", it.UnitOfMeasure)
	}
	l := order.Line{
		ID:          strconv.FormatUint(id, 10),
		ProductCode: it.ProductCode,
		Label:       it.ProductLabel,
		Quantity:    order.One,
		Unit:        unit,
	}
	if it.Quantity != "" {
		if l.Quantity, err = order.ParseQuantity(string(it.Quantity)); err != nil {
			return l, err
		}
	}
	if it.ItemAmount == "" {
		return l, errors.New("ItemAmount missing")
	}
	if l.Amount, err = order.ParseAmount(string(it.ItemAmount), cur); err != nil {
		return l, fmt.Errorf("ItemAmount: %w", err)
	}
	switch {
	case it.UnitPrice != "":
		if l.UnitPrice, err = order.ParseAmount(string(it.UnitPrice), cur); err != nil {
			return l, fmt.Errorf("UnitPrice: %w", err)
		}
	case l.Quantity == order.One:
		l.UnitPrice = l.Amount
	default:
		return l, errors.New("UnitPrice missing (required unless Quantity is 1)")
	}
	if it.DiscountAmount != "" {
		if l.Discount, err = order.ParseAmount(string(it.DiscountAmount), cur); err != nil {
			return l, fmt.Errorf("DiscountAmount: %w", err)
		}
	}
	return l, nil
}

// itemsFromOrder writes o's lines and discounts as nexo SaleItems, the
// inverse of buildOrder. Line IDs must be canonical non-negative integers
// ("7", not "07") and units must be in the unit table, so that the
// terminal rebuilds exactly o.
func itemsFromOrder(o *order.Order) ([]SaleItem, []OrderDiscount, error) {
	items := make([]SaleItem, 0, len(o.Lines))
	for i, l := range o.Lines {
		id, err := strconv.ParseUint(l.ID, 10, 63)
		if err != nil || strconv.FormatUint(id, 10) != l.ID {
			return nil, nil, fmt.Errorf("poslink: line %d: ID %q is not a canonical integer (nexo ItemID)", i+1, l.ID)
		}
		unit, ok := unitToNexo(l.Unit)
		if !ok {
			return nil, nil, fmt.Errorf("poslink: line %d: unit %q has no nexo UnitOfMeasure", i+1, l.Unit)
		}
		it := SaleItem{
			ItemID:        json.Number(l.ID),
			ProductCode:   l.ProductCode,
			ProductLabel:  l.Label,
			Quantity:      json.Number(l.Quantity.String()),
			UnitOfMeasure: unit,
			UnitPrice:     json.Number(order.FormatAmount(l.UnitPrice, o.Currency)),
			ItemAmount:    json.Number(order.FormatAmount(l.Amount, o.Currency)),
		}
		if l.Discount != 0 {
			it.DiscountAmount = json.Number(order.FormatAmount(l.Discount, o.Currency))
		}
		items = append(items, it)
	}
	var discounts []OrderDiscount
	for _, d := range o.Discounts {
		discounts = append(discounts, OrderDiscount{Label: d.Label, Amount: json.Number(order.FormatAmount(d.Amount, o.Currency))})
	}
	return items, discounts, nil
}

// amountNumber writes minor units as a JSON number in major units.
func amountNumber(minor int64, cur order.Currency) json.Number {
	return json.Number(order.FormatAmount(minor, cur))
}
