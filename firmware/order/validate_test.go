package order

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sample is a valid EUR order: two pieces, a weighed line with a line
// discount, and a coupon. Each call returns fresh slices.
func sample() Order {
	o := Order{
		ID:       "T-1001",
		Currency: MustCurrency("EUR"),
		Lines: []Line{
			{ID: "1", ProductCode: "4006381333931", Label: "Apple juice 1 l", Quantity: 2000, UnitPrice: 149},
			{ID: "2", Label: "Bananas", Quantity: 455, Unit: "kg", UnitPrice: 199, Discount: 10},
			{ID: "3", Label: "Bread", Quantity: One, UnitPrice: 250},
		},
		Discounts: []Discount{{Label: "Coupon", Amount: 50}},
	}
	for i := range o.Lines {
		o.Lines[i].Amount = LineAmount(o.Lines[i].Quantity, o.Lines[i].UnitPrice)
	}
	o.Total = o.Sum()
	return o
}

// fixTotal recomputes Total so a mutation tests one rule only.
func fixTotal(o *Order) {
	for i := range o.Lines {
		o.Lines[i].Amount = LineAmount(o.Lines[i].Quantity, o.Lines[i].UnitPrice)
	}
	o.Total = o.Sum()
}

func TestValidate(t *testing.T) {
	if o := sample(); o.Validate() != nil {
		t.Fatalf("sample order invalid: %v", o.Validate())
	}
	manyLines := func(n int) func(*Order) {
		return func(o *Order) {
			o.Lines = make([]Line, n)
			for i := range o.Lines {
				o.Lines[i] = Line{ID: fmt.Sprint(i), Label: "item", Quantity: One, UnitPrice: 1}
			}
			o.Discounts = nil
			fixTotal(o)
		}
	}
	tests := []struct {
		name   string
		mutate func(*Order)
		want   error // nil: still valid
	}{
		{"unknown currency", func(o *Order) { o.Currency = Currency{Code: "XXX", Exponent: 2} }, ErrUnknownCurrency},
		{"zero currency", func(o *Order) { o.Currency = Currency{} }, ErrUnknownCurrency},
		{"wrong exponent", func(o *Order) { o.Currency = Currency{Code: "JPY", Exponent: 2} }, ErrUnknownCurrency},
		{"no lines", func(o *Order) { o.Lines = nil; o.Discounts = nil; o.Total = 1 }, ErrEmpty},
		{"10 000 lines", manyLines(10_000), ErrTooManyLines},
		{"MaxLines+1 lines", manyLines(MaxLines + 1), ErrTooManyLines},
		{"MaxLines lines", manyLines(MaxLines), nil},
		{"too many discounts", func(o *Order) {
			o.Discounts = make([]Discount, MaxDiscounts+1)
			fixTotal(o)
		}, ErrTooManyDiscnts},
		{"total mismatch", func(o *Order) { o.Total++ }, ErrTotalMismatch},
		{"total ignores coupon", func(o *Order) { o.Discounts = nil }, ErrTotalMismatch},
		{"zero total", func(o *Order) {
			o.Lines[0].Discount = o.Lines[0].Amount
			o.Discounts = nil
			o.Lines = o.Lines[:1]
			o.Total = 0
		}, ErrNegative},
		{"negative total", func(o *Order) { o.Discounts[0].Amount = 10_000; o.Total = o.Sum() }, ErrNegative},
		{"negative unit price", func(o *Order) { o.Lines[2].UnitPrice = -250; fixTotal(o) }, ErrNegative},
		{"negative discount", func(o *Order) { o.Discounts[0].Amount = -1; fixTotal(o) }, ErrNegative},
		{"negative line discount", func(o *Order) { o.Lines[0].Discount = -1; fixTotal(o) }, ErrField},
		{"line discount above amount", func(o *Order) { o.Lines[0].Discount = o.Lines[0].Amount + 1; fixTotal(o) }, ErrField},
		{"unit price above limit", func(o *Order) { o.Lines[0].UnitPrice = MaxUnitPrice + 1; o.Lines[0].Quantity = 1 }, ErrNegative},
		{"zero quantity", func(o *Order) { o.Lines[0].Quantity = 0; fixTotal(o) }, ErrField},
		{"negative quantity", func(o *Order) { o.Lines[0].Quantity = -One; fixTotal(o) }, ErrField},
		{"quantity above limit", func(o *Order) { o.Lines[0].Quantity = MaxQuantity + 1; o.Lines[0].UnitPrice = 0 }, ErrField},
		{"line amount rounded down", func(o *Order) { o.Lines[1].Amount--; o.Total-- }, ErrLineAmount},
		{"line amount rounded up", func(o *Order) { o.Lines[1].Amount++; o.Total++ }, ErrLineAmount},
		{"duplicate line id", func(o *Order) { o.Lines[2].ID = o.Lines[0].ID }, ErrDuplicateLine},
		{"empty line id", func(o *Order) { o.Lines[0].ID = "" }, ErrField},
		{"empty label", func(o *Order) { o.Lines[0].Label = "" }, ErrField},
		{"long line id", func(o *Order) { o.Lines[0].ID = strings.Repeat("9", MaxIDLen+1) }, ErrField},
		{"long order id", func(o *Order) { o.ID = strings.Repeat("9", MaxIDLen+1) }, ErrField},
		{"long product code", func(o *Order) { o.Lines[0].ProductCode = strings.Repeat("9", MaxCodeLen+1) }, ErrField},
		{"long unit", func(o *Order) { o.Lines[0].Unit = "kilograms" }, ErrField},
		{"label of MaxLabelRunes CJK characters", func(o *Order) { o.Lines[0].Label = strings.Repeat("寿", MaxLabelRunes) }, nil},
		{"label over MaxLabelRunes", func(o *Order) { o.Lines[0].Label = strings.Repeat("寿", MaxLabelRunes+1) }, ErrField},
		{"CJK labels", func(o *Order) {
			o.Lines[0].Label = "緑茶 500ml"
			o.Lines[1].Label = "바나나"
			o.Lines[2].Label = "おにぎり（鮭）"
			o.Discounts[0].Label = "会员优惠"
		}, nil},
		{"emoji label", func(o *Order) { o.Lines[0].Label = "Cake 🎂" }, nil},
		{"newline in label", func(o *Order) { o.Lines[0].Label = "Apple\nTotal 0.01" }, ErrField},
		{"tab in label", func(o *Order) { o.Lines[0].Label = "Apple\tjuice" }, ErrField},
		{"DEL in label", func(o *Order) { o.Lines[0].Label = "Apple\x7f" }, ErrField},
		{"C1 control in label", func(o *Order) { o.Lines[0].Label = "Apple\u0085" }, ErrField},
		{"bidi override in label", func(o *Order) { o.Lines[0].Label = "Apple \u202eelppA" }, ErrField},
		{"bidi isolate in label", func(o *Order) { o.Lines[0].Label = "\u2067Apple" }, ErrField},
		{"NUL in order id", func(o *Order) { o.ID = "T\x00" }, ErrField},
		{"escape in discount label", func(o *Order) { o.Discounts[0].Label = "\x1b[2J" }, ErrField},
		{"invalid UTF-8 label", func(o *Order) { o.Lines[0].Label = "Apple\xff" }, ErrField},
		{"empty order id is allowed", func(o *Order) { o.ID = "" }, nil},
		{"free line", func(o *Order) { o.Lines[0].UnitPrice = 0; fixTotal(o) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := sample()
			tt.mutate(&o)
			err := o.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate() = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "order: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestValidateNamesLine: the error says which line is wrong, so the cashier
// can find it.
func TestValidateNamesLine(t *testing.T) {
	o := sample()
	o.Lines[1].Amount++
	o.Total++
	err := o.Validate()
	if err == nil || !strings.Contains(err.Error(), `line 2 ("2")`) {
		t.Fatalf("Validate() = %v, want it to name line 2", err)
	}
}
