package pos

import (
	"errors"
	"os"
	"strings"
	"testing"

	"payterm/firmware/order"
)

func TestReadSampleOrder(t *testing.T) {
	f, err := os.Open("sample-order.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o, err := ReadOrder(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("sample order invalid: %v", err)
	}
	// 2×4.50 + round(0.455×12.80=5.824)=5.82 + 9.90−1.00 + 25.00 − 2.00
	if want := int64(900 + 582 + 890 + 2500 - 200); o.Total != want {
		t.Fatalf("total %d, want %d", o.Total, want)
	}
	if o.Lines[1].Quantity != 455 || o.Lines[1].Unit != "kg" {
		t.Fatalf("weighed line %+v", o.Lines[1])
	}
}

func TestReadOrderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"not json", `{`, nil},
		{"unknown field", `{"id":"1","currency":"CNY","lines":[],"tip":"1"}`, nil},
		{"unknown currency", `{"id":"1","currency":"XXX","lines":[]}`, order.ErrUnknownCurrency},
		{"float price", `{"id":"1","currency":"JPY","lines":[{"id":"1","label":"a","unit_price":"1.5"}]}`, nil},
		{"bad qty", `{"id":"1","currency":"CNY","lines":[{"id":"1","label":"a","qty":"1e3","unit_price":"1"}]}`, nil},
		{"bad total", `{"id":"1","currency":"CNY","lines":[],"total":"x"}`, nil},
		{"too big", `{"id":"` + strings.Repeat("a", maxOrderFile) + `"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadOrder(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExplicitTotalKept(t *testing.T) {
	o, err := ReadOrder(strings.NewReader(`{"id":"1","currency":"EUR","lines":[{"id":"1","label":"a","unit_price":"1.00"}],"total":"2.00"}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.Total != 200 || !errors.Is(o.Validate(), order.ErrTotalMismatch) {
		t.Fatalf("explicit wrong total must reach the terminal as sent: %d %v", o.Total, o.Validate())
	}
}

func FuzzReadOrder(f *testing.F) {
	data, _ := os.ReadFile("sample-order.json")
	f.Add(string(data))
	f.Add(`{"id":"1","currency":"JPY","lines":[{"id":"1","label":"寿司","qty":"3","unit_price":"120"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ReadOrder(strings.NewReader(in))
		if err != nil {
			return
		}
		_ = o.Validate() // must not panic whatever the numbers
		_ = o.Hash()
	})
}
