package orderread

import (
	"reflect"
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
				r, err := ReadPDF(pdf, ReceiptOptions{Source: "test"})
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
