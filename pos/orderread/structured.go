package orderread

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"payterm/pos"
)

// ReadJSON reads the agent's order file (pos.OrderFile): the format `pos
// send -order` takes and the local API accepts. Syntax errors are errors;
// what does not add up is in the Read's Problems. opt.ID fills an empty
// id; the currency is the file's.
func ReadJSON(r io.Reader, opt Options) (Read, error) {
	o, err := pos.ReadOrder(r)
	if err != nil {
		return Read{}, fmt.Errorf("orderread: %w", err)
	}
	if o.ID == "" {
		o.ID = opt.ID
	}
	return FromOrder(o, opt.Source), nil
}

// CSV columns. label, quantity and unit_price are required; amount,
// discount, unit, code and id may be added; the order of columns is
// free, the header names them.
//
//	label,quantity,unit_price,amount
//	乌龙茶 Oolong tea,2,4.50,9.00
//	苹果 Apples,0.455 kg,12.80,5.82
//	Member discount,,,-2.00
//	TOTAL,,,12.82
//
// A row with quantity and unit price empty is an order discount when its
// amount is negative, and the total when its label is TOTAL (the total
// may be left out: it is then the lines' sum). Amounts are decimals in
// major units; the quantity may carry its unit ("0.455 kg").
var (
	csvRequired = []string{"label", "quantity", "unit_price"}
	csvOptional = []string{"amount", "discount", "unit", "code", "id"}
)

// maxCSVRows bounds the rows read (the terminal takes at most 500 lines).
const maxCSVRows = 1000

// ReadCSV reads an order from CSV with the columns above, into the same
// order file form JSON uses, so both go through one conversion and one
// check.
func ReadCSV(r io.Reader, opt Options) (Read, error) {
	cr := csv.NewReader(io.LimitReader(r, maxOrderBytes))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return Read{}, fmt.Errorf("orderread: csv header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(csvRequired, name) && !slices.Contains(csvOptional, name) {
			return Read{}, fmt.Errorf("orderread: csv: unknown column %q", h)
		}
		if _, dup := col[name]; dup {
			return Read{}, fmt.Errorf("orderread: csv: column %q twice", name)
		}
		col[name] = i
	}
	for _, name := range csvRequired {
		if _, ok := col[name]; !ok {
			return Read{}, fmt.Errorf("orderread: csv: no %q column", name)
		}
	}
	f := pos.OrderFile{ID: opt.ID, Currency: opt.Currency}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Read{}, fmt.Errorf("orderread: csv: %w", err)
		}
		if n > maxCSVRows {
			return Read{}, fmt.Errorf("orderread: csv: more than %d rows", maxCSVRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		label, qty, price, amount := get("label"), get("quantity"), get("unit_price"), get("amount")
		switch {
		case label == "" && qty == "" && price == "" && amount == "":
			continue // a blank row
		case qty == "" && price == "" && strings.EqualFold(label, "total"):
			if f.Total != "" {
				return Read{}, fmt.Errorf("orderread: csv row %d: a second total", n)
			}
			f.Total = amount
		case qty == "" && price == "" && strings.HasPrefix(amount, "-"):
			f.Discounts = append(f.Discounts, pos.DiscountFile{Label: label, Amount: amount[1:]})
		default:
			unit := get("unit")
			if q, u, ok := strings.Cut(qty, " "); ok && unit == "" {
				qty, unit = q, strings.TrimSpace(u)
			}
			id := get("id")
			if id == "" {
				id = strconv.Itoa(len(f.Lines) + 1)
			}
			f.Lines = append(f.Lines, pos.LineFile{ID: id, Code: get("code"), Label: label, Qty: qty, Unit: unit,
				UnitPrice: price, Amount: amount, Discount: get("discount")})
		}
	}
	o, err := f.Order()
	if err != nil {
		return Read{}, fmt.Errorf("orderread: csv: %w", err)
	}
	return FromOrder(o, opt.Source), nil
}

// maxOrderBytes bounds a CSV order file.
const maxOrderBytes = 1 << 20
