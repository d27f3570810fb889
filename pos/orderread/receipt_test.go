package orderread

import (
	"reflect"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/pos"
)

// stripCodes removes what a receipt does not print: product codes.
func stripCodes(o order.Order) order.Order {
	o.Lines = append([]order.Line(nil), o.Lines...)
	for i := range o.Lines {
		o.Lines[i].ProductCode = ""
	}
	return o
}

// Receipt PDFs generated here in two layouts parse to exactly the order
// they print: every label (CJK intact), quantity, unit, price, amount,
// discount, the total, the currency and the receipt number.
func TestReceiptPDFParsesExactly(t *testing.T) {
	sample, err := pos.SampleOrder("DEMO-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []order.Order{sample, tenLines()} {
		for _, layout := range []string{"table", "thermal"} {
			t.Run(o.ID+"/"+layout, func(t *testing.T) {
				pdf := receipt(t, o, layout)
				r, err := ReadPDF(pdf, Options{Source: "test"})
				if err != nil {
					t.Fatal(err)
				}
				want := stripCodes(o)
				if !reflect.DeepEqual(r.Order, want) {
					rows, _ := PDFRows(pdf)
					for _, row := range rows {
						t.Logf("row %v", row)
					}
					t.Fatalf("read\n%+v\nwant\n%+v\nproblems %v", r.Order, want, r.Problems)
				}
				if !r.OK() {
					t.Fatalf("problems: %v", r.Problems)
				}
			})
		}
	}
}

// rowsOf makes rows from text: one row per line, cells split at "|", a
// cell at 100 points per column plus 5 per leading space.
func rowsOf(text string) []Row {
	var rows []Row
	for i, line := range strings.Split(text, "\n") {
		row := Row{Y: float64(12 * i)}
		for j, c := range strings.Split(line, "|") {
			indent := len(c) - len(strings.TrimLeft(c, " "))
			row.Cells = append(row.Cells, Cell{X: float64(100*j + 5*indent), Text: c})
		}
		rows = append(rows, row)
	}
	return rows
}

func TestParseReceipt(t *testing.T) {
	cny, eur := order.MustCurrency("CNY"), order.MustCurrency("EUR")
	line := func(id, label, qty, unit string, price, amount, disc int64) order.Line {
		q, _ := order.ParseQuantity(qty)
		return order.Line{ID: id, Label: label, Quantity: q, Unit: unit, UnitPrice: price, Amount: amount, Discount: disc}
	}
	tests := []struct {
		name     string
		text     string
		opt      Options
		want     order.Order
		problems []string // Problem.Name of each problem, in order
	}{
		{"price before quantity by the header", "Item|Price|Qty|Amount\nTea|4.50|2|9.00\nTotal||EUR|9.00",
			Options{ID: "A"}, order.Order{ID: "A", Currency: eur, Lines: []order.Line{line("1", "Tea", "2", "", 450, 900, 0)}, Total: 900}, nil},
		{"lone amount is one piece", "Bag|0.20\nTea|2|4.50|9.00\n合计|¥9.20",
			Options{ID: "B"}, order.Order{ID: "B", Currency: cny, Lines: []order.Line{line("1", "Bag", "1", "", 20, 20, 0), line("2", "Tea", "2", "", 450, 900, 0)}, Total: 920}, nil},
		{"wrong amount is a problem, kept as printed", "Tea|2|4.50|9.10\nTOTAL|9.10",
			Options{ID: "C", Currency: "CNY"}, order.Order{ID: "C", Currency: cny, Lines: []order.Line{line("1", "Tea", "2", "", 450, 910, 0)}, Total: 910}, []string{NameAmount}},
		{"no total is a problem", "Tea|2|4.50|9.00",
			Options{ID: "D", Currency: "CNY"}, order.Order{ID: "D", Currency: cny, Lines: []order.Line{line("1", "Tea", "2", "", 450, 900, 0)}, Total: 900}, []string{NameTotal}},
		{"total that is not the sum", "Tea|2|4.50|9.00\nTotal|8.00",
			Options{ID: "E", Currency: "CNY"}, order.Order{ID: "E", Currency: cny, Lines: []order.Line{line("1", "Tea", "2", "", 450, 900, 0)}, Total: 800}, []string{NameTotal}},
		{"no currency anywhere", "Tea|2|4.50|9.00\nTotal|9.00",
			Options{ID: "F"}, order.Order{ID: "F", Currency: order.Currency{Exponent: 2}, Lines: []order.Line{line("1", "Tea", "2", "", 450, 900, 0)}, Total: 900}, []string{NameCurrency, ""}},
		{"two-row items, x apart, unit apart", "单号：7\nTea\n  x 2 @ 4.50|9.00\nApples\n  0.5 kg x 3.00|1.50\n  Discount|-0.50\n应付|CNY 10.00\n现金|20.00",
			Options{}, order.Order{ID: "7", Currency: cny, Lines: []order.Line{line("1", "Tea", "2", "", 450, 900, 0), line("2", "Apples", "0.5", "kg", 300, 150, 50)}, Total: 1000}, nil},
		{"order discount not indented", "Tea|1|9.00|9.00\nMember discount|-1.00\nTotal|8.00",
			Options{ID: "G", Currency: "CNY"}, order.Order{ID: "G", Currency: cny, Lines: []order.Line{line("1", "Tea", "1", "", 900, 900, 0)},
				Discounts: []order.Discount{{Label: "Member discount", Amount: 100}}, Total: 800}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseReceipt(rowsOf(tt.text), tt.opt)
			if !reflect.DeepEqual(r.Order, tt.want) {
				t.Fatalf("order\n%+v\nwant\n%+v", r.Order, tt.want)
			}
			var names []string
			for _, p := range r.Problems {
				names = append(names, p.Name)
			}
			if !reflect.DeepEqual(names, tt.problems) {
				t.Fatalf("problems %v, want fields %q", r.Problems, tt.problems)
			}
		})
	}
}

// FuzzParseReceipt: any text parses without panicking, and a read
// without problems is an order the terminal accepts.
func FuzzParseReceipt(f *testing.F) {
	f.Add("Item|Price|Qty|Amount\nTea|4.50|2|9.00\nTotal||EUR|9.00", "CNY")
	f.Add("单号：7\nTea\n  x 2 @ 4.50|9.00\nApples\n  0.5 kg x 3.00|1.50\n  Discount|-0.50\n应付|CNY 10.00", "")
	f.Add("Bag|1,000.20\nTea|2kg|¥-4.50|9.00\n合计|¥9.20", "JPY")
	f.Fuzz(func(t *testing.T, text, cur string) {
		r := ParseReceipt(rowsOf(text), Options{ID: "F", Currency: cur})
		if r.OK() {
			if err := r.Order.Validate(); err != nil {
				t.Fatalf("no problems, but %v", err)
			}
		}
	})
}
