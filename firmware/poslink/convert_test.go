package poslink

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"payterm/firmware/order"
)

func TestBuildOrder(t *testing.T) {
	item := func(id, label, qty, unit, price, amount string) SaleItem {
		return SaleItem{ItemID: json.Number(id), ProductCode: "P" + id, ProductLabel: label,
			Quantity: json.Number(qty), UnitOfMeasure: unit, UnitPrice: json.Number(price), ItemAmount: json.Number(amount)}
	}
	eur := order.MustCurrency("EUR")
	tests := []struct {
		name     string
		currency string
		total    string
		items    []SaleItem
		disc     []OrderDiscount
		want     *order.Order // nil: error wanted
		errHas   string
		invalid  string // built, but Validate reports this: the customer sees it refused
	}{
		{
			name: "pieces and weight", currency: "EUR", total: "7.17",
			items: []SaleItem{item("1", "Bread", "2", "Piece", "1.20", "2.40"), item("2", "Cheese", "0.455", "Kilogram", "10.49", "4.77")},
			want: &order.Order{ID: "T1", Currency: eur, Total: 717, Lines: []order.Line{
				{ID: "1", ProductCode: "P1", Label: "Bread", Quantity: 2000, UnitPrice: 120, Amount: 240},
				{ID: "2", ProductCode: "P2", Label: "Cheese", Quantity: 455, Unit: "kg", UnitPrice: 1049, Amount: 477},
			}},
		},
		{
			name: "decimal text is exact", currency: "EUR", total: "0.3",
			items: []SaleItem{item("1", "A", "1", "", "0.1", "0.1"), item("2", "B", "1", "", "0.2", "0.2")},
			want: &order.Order{ID: "T1", Currency: eur, Total: 30, Lines: []order.Line{
				{ID: "1", ProductCode: "P1", Label: "A", Quantity: 1000, UnitPrice: 10, Amount: 10},
				{ID: "2", ProductCode: "P2", Label: "B", Quantity: 1000, UnitPrice: 20, Amount: 20},
			}},
		},
		{
			name: "defaults: quantity 1, unit price = amount", currency: "JPY", total: "1200",
			items: []SaleItem{{ItemID: "7", ProductCode: "X", ProductLabel: "お茶", ItemAmount: "1200"}},
			want: &order.Order{ID: "T1", Currency: order.MustCurrency("JPY"), Total: 1200, Lines: []order.Line{
				{ID: "7", ProductCode: "X", Label: "お茶", Quantity: 1000, UnitPrice: 1200, Amount: 1200},
			}},
		},
		{
			name: "discounts", currency: "EUR", total: "8.00",
			items: []SaleItem{{ItemID: "1", ProductLabel: "Wine", Quantity: "1", UnitOfMeasure: "Litre", UnitPrice: "10.00", ItemAmount: "10.00", DiscountAmount: "1.00"}},
			disc:  []OrderDiscount{{Label: "Coupon", Amount: "1"}},
			want: &order.Order{ID: "T1", Currency: eur, Total: 800, Lines: []order.Line{
				{ID: "1", Label: "Wine", Quantity: 1000, Unit: "l", UnitPrice: 1000, Amount: 1000, Discount: 100},
			}, Discounts: []order.Discount{{Label: "Coupon", Amount: 100}}},
		},
		{name: "unknown currency", currency: "XXX", total: "1", items: []SaleItem{item("1", "A", "1", "", "1", "1")}, errHas: "unknown currency"},
		{name: "no currency", currency: "", total: "1", items: []SaleItem{item("1", "A", "1", "", "1", "1")}, errHas: "unknown currency"},
		{name: "no total", currency: "EUR", items: []SaleItem{item("1", "A", "1", "", "1", "1")}, errHas: "RequestedAmount missing"},
		{name: "no lines", currency: "EUR", total: "1", errHas: "no SaleItem"},
		{name: "total mismatch", currency: "EUR", total: "2.41", items: []SaleItem{item("1", "A", "2", "", "1.20", "2.40")}, invalid: "do not sum"},
		{name: "line amount wrong", currency: "EUR", total: "2.50", items: []SaleItem{item("1", "A", "2", "", "1.20", "2.50")}, invalid: "quantity × unit price"},
		{name: "negative amount", currency: "EUR", total: "-1", items: []SaleItem{item("1", "A", "1", "", "-1", "-1")}, errHas: "negative"},
		{name: "too precise", currency: "EUR", total: "1.005", items: []SaleItem{item("1", "A", "1", "", "1.005", "1.005")}, errHas: "decimal places"},
		{name: "exponent", currency: "EUR", total: "1e2", items: []SaleItem{item("1", "A", "1", "", "100", "100")}, errHas: "plain decimal"},
		{name: "fractional ItemID", currency: "EUR", total: "1", items: []SaleItem{item("1.5", "A", "1", "", "1", "1")}, errHas: "ItemID"},
		{name: "negative ItemID", currency: "EUR", total: "1", items: []SaleItem{item("-1", "A", "1", "", "1", "1")}, errHas: "ItemID"},
		{name: "duplicate ItemID", currency: "EUR", total: "2", items: []SaleItem{item("1", "A", "1", "", "1", "1"), item("1", "B", "1", "", "1", "1")}, errHas: "duplicate"},
		{name: "no label", currency: "EUR", total: "1", items: []SaleItem{item("1", "", "1", "", "1", "1")}, errHas: "empty label"},
		{name: "unknown unit", currency: "EUR", total: "1", items: []SaleItem{item("1", "A", "1", "Furlong", "1", "1")}, errHas: "UnitOfMeasure"},
		{name: "unit price needed", currency: "EUR", total: "2", items: []SaleItem{item("1", "A", "2", "", "", "2")}, errHas: "UnitPrice missing"},
		{name: "no item amount", currency: "EUR", total: "1", items: []SaleItem{item("1", "A", "1", "", "1", "")}, errHas: "ItemAmount missing"},
		{name: "zero quantity", currency: "EUR", total: "1", items: []SaleItem{item("1", "A", "0", "", "1", "0"), item("2", "B", "1", "", "1", "1")}, errHas: "quantity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildOrder("T1", tt.currency, "RequestedAmount", json.Number(tt.total), tt.items, tt.disc)
			if tt.invalid != "" {
				// Built for the customer to see refused; Validate says why.
				if err != nil {
					t.Fatalf("err = %v, want the order built", err)
				}
				if verr := got.Validate(); verr == nil || !strings.Contains(verr.Error(), tt.invalid) {
					t.Fatalf("Validate() = %v, want %q", verr, tt.invalid)
				}
				return
			}
			if tt.want == nil {
				if err == nil || !errors.Is(err, ErrMessageFormat) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err = %v, want MessageFormat containing %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, *tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, *tt.want)
			}
		})
	}
}

func TestBuildOrderLineLimit(t *testing.T) {
	items := make([]SaleItem, order.MaxLines+1)
	for i := range items {
		items[i] = SaleItem{ItemID: json.Number(fmt.Sprint(i)), ProductLabel: "x", ItemAmount: "1"}
	}
	_, err := buildOrder("T", "EUR", "RequestedAmount", json.Number(fmt.Sprint(len(items))), items, nil)
	if !errors.Is(err, order.ErrTooManyLines) {
		t.Fatalf("err = %v", err)
	}
	_, err = buildOrder("T", "EUR", "RequestedAmount", json.Number(fmt.Sprint(order.MaxLines)), items[:order.MaxLines], nil)
	if err != nil {
		t.Fatalf("MaxLines lines refused: %v", err)
	}
}

func TestUnitTableIsOneToOne(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range unitNames {
		u, ok := unitFromNexo(p[0])
		back, ok2 := unitToNexo(u)
		if !ok || !ok2 || back != p[0] || u == "" || len(u) > order.MaxUnitLen || seen[u] {
			t.Errorf("%s ↔ %q ↔ %s", p[0], u, back)
		}
		seen[u] = true
	}
	for _, piece := range []string{"", "Piece", "Other"} {
		if u, ok := unitFromNexo(piece); !ok || u != "" {
			t.Errorf("%q → %q, %v", piece, u, ok)
		}
	}
}

// randomOrder builds a valid order from r.
func randomOrder(r *rand.Rand, lines int) order.Order {
	codes := []string{"EUR", "JPY", "KWD", "CNY"}
	cur := order.MustCurrency(codes[r.IntN(len(codes))])
	units := []string{"", "kg", "l", "g", "gal-us"}
	o := order.Order{ID: fmt.Sprintf("T%d", r.IntN(1e6)), Currency: cur}
	for i := range lines {
		q := order.Quantity(1 + r.IntN(5000))
		price := int64(r.IntN(100000))
		l := order.Line{ID: fmt.Sprint(i + r.IntN(3)*1000), ProductCode: fmt.Sprint(r.IntN(1e9)),
			Label: fmt.Sprintf("Item %d ü", i), Quantity: q, Unit: units[r.IntN(len(units))], UnitPrice: price,
			Amount: order.LineAmount(q, price)}
		if l.Amount > 0 && r.IntN(3) == 0 {
			l.Discount = r.Int64N(l.Amount)
		}
		o.Lines = append(o.Lines, l)
	}
	if s := o.Sum(); s > 10 && r.IntN(2) == 0 {
		o.Discounts = []order.Discount{{Label: "Coupon", Amount: s / 10}}
	}
	o.Total = o.Sum()
	return o
}

// TestOrderRoundTrip: order → SaleItems → order is the identity, so the
// terminal's hash is the hash of what the POS sent.
func TestOrderRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for n := 0; n < 200; n++ {
		o := randomOrder(r, 1+r.IntN(30))
		if err := o.Validate(); err != nil {
			continue // the generator may make duplicate IDs or a zero total
		}
		valid++
		items, disc, err := itemsFromOrder(&o)
		if err != nil {
			t.Fatal(err)
		}
		wire, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		var back []SaleItem
		if err := json.Unmarshal(wire, &back); err != nil {
			t.Fatal(err)
		}
		got, err := buildOrder(o.ID, o.Currency.Code, "RequestedAmount", amountNumber(o.Total, o.Currency), back, disc)
		if err != nil {
			t.Fatalf("order %d: %v", n, err)
		}
		if !reflect.DeepEqual(got, o) || got.Hash() != o.Hash() {
			t.Fatalf("order %d changed:\n got %+v\nwant %+v", n, got, o)
		}
	}
	if valid < 50 {
		t.Fatalf("only %d of 200 generated orders were valid", valid)
	}
}

func TestItemsFromOrderRefusesWhatNexoCannotCarry(t *testing.T) {
	base := order.Order{ID: "T", Currency: order.MustCurrency("EUR"), Total: 100,
		Lines: []order.Line{{ID: "1", Label: "A", Quantity: 1000, UnitPrice: 100, Amount: 100}}}
	for _, mut := range []func(*order.Order){
		func(o *order.Order) { o.Lines[0].ID = "A1" },
		func(o *order.Order) { o.Lines[0].ID = "01" },
		func(o *order.Order) { o.Lines[0].Unit = "bale" },
	} {
		o := base
		o.Lines = append([]order.Line(nil), base.Lines...)
		mut(&o)
		if _, _, err := itemsFromOrder(&o); err == nil {
			t.Errorf("%+v accepted", o.Lines[0])
		}
	}
}

func TestAdditional(t *testing.T) {
	s := formatAdditional(AddMessage, "wrong price & more=yes", AddFlagged, "2,3", "empty", "", AddOrderHash, "ab12")
	if want := "message=wrong%20price%20%26%20more%3Dyes&flagged=2,3&orderHash=ab12"; s != want {
		t.Errorf("format = %q, want %q", s, want)
	}
	v := ParseAdditional(s)
	if v.Get(AddMessage) != "wrong price & more=yes" || v.Get(AddFlagged) != "2,3" || v.Has("empty") {
		t.Errorf("parse = %v", v)
	}
	if got := ParseAdditional("message=%E4%B8%8D%E5%AF%B9&x=1+2").Get(AddMessage); got != "不对" {
		t.Errorf("utf-8: %q", got)
	}
}
