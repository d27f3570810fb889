package order

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"
)

// specEncoding writes the canonical encoding from its description in the
// Hash doc comment, independently of hash.go, so a change to either shows.
func specEncoding(o Order) []byte {
	var b []byte
	i := func(v int64) { b = binary.BigEndian.AppendUint64(b, uint64(v)) }
	s := func(v string) { i(int64(len(v))); b = append(b, v...) }
	s("payterm/order/v1")
	s(o.ID)
	s(o.Currency.Code)
	i(int64(o.Currency.Exponent))
	i(int64(len(o.Lines)))
	for _, l := range o.Lines {
		s(l.ID)
		s(l.ProductCode)
		s(l.Label)
		i(int64(l.Quantity))
		s(l.Unit)
		i(l.UnitPrice)
		i(l.Amount)
		i(l.Discount)
	}
	i(int64(len(o.Discounts)))
	for _, d := range o.Discounts {
		s(d.Label)
		i(d.Amount)
	}
	i(o.Total)
	return b
}

func TestHashMatchesSpec(t *testing.T) {
	o := sample()
	want := Hash(sha256.Sum256(specEncoding(o)))
	if got := o.Hash(); got != want {
		t.Fatalf("Hash() = %s, spec encoding gives %s", got, want)
	}
}

func TestHashStable(t *testing.T) {
	a, b := sample(), sample()
	if a.Hash() != b.Hash() {
		t.Fatal("equal orders hash differently")
	}
	if a.Hash() != a.Hash() {
		t.Fatal("Hash is not deterministic")
	}
	if a.Hash().IsZero() {
		t.Fatal("an order hashed to the zero hash")
	}
	// Nil and empty slices are the same order.
	c := sample()
	c.Discounts = []Discount{}
	d := sample()
	d.Discounts = nil
	if c.Hash() != d.Hash() {
		t.Fatal("nil and empty discounts hash differently")
	}
}

// TestHashDiffers changes one thing at a time, including moves of bytes
// between adjacent fields that a plain concatenation would not notice; every
// variant must hash differently from the sample and from each other.
func TestHashDiffers(t *testing.T) {
	mutations := map[string]func(*Order){
		"order id":             func(o *Order) { o.ID += "x" },
		"currency code":        func(o *Order) { o.Currency.Code = "USD" },
		"currency exponent":    func(o *Order) { o.Currency.Exponent = 3 },
		"line id":              func(o *Order) { o.Lines[0].ID = "9" },
		"product code":         func(o *Order) { o.Lines[0].ProductCode = "" },
		"label":                func(o *Order) { o.Lines[0].Label = "Apple juice 2 l" },
		"quantity":             func(o *Order) { o.Lines[0].Quantity++ },
		"unit":                 func(o *Order) { o.Lines[0].Unit = "l" },
		"unit price":           func(o *Order) { o.Lines[0].UnitPrice++ },
		"amount":               func(o *Order) { o.Lines[0].Amount++ },
		"line discount":        func(o *Order) { o.Lines[0].Discount++ },
		"discount label":       func(o *Order) { o.Discounts[0].Label = "Coupon!" },
		"discount amount":      func(o *Order) { o.Discounts[0].Amount++ },
		"total":                func(o *Order) { o.Total++ },
		"line order":           func(o *Order) { o.Lines[0], o.Lines[1] = o.Lines[1], o.Lines[0] },
		"line dropped":         func(o *Order) { o.Lines = o.Lines[:2] },
		"discount dropped":     func(o *Order) { o.Discounts = nil },
		"extra empty discount": func(o *Order) { o.Discounts = append(o.Discounts, Discount{}) },
		"label char to next label": func(o *Order) {
			// "Bananas" + "Bread" → "Banana" + "sBread"
			o.Lines[1].Label = strings.TrimSuffix(o.Lines[1].Label, "s")
			o.Lines[2].Label = "s" + o.Lines[2].Label
		},
		"label char into unit": func(o *Order) { o.Lines[1].Label = "Banana"; o.Lines[1].Unit = "skg" },
		"id char into code": func(o *Order) {
			o.Lines[0].ID = ""
			o.Lines[0].ProductCode = "1" + o.Lines[0].ProductCode
		},
		"order id into currency": func(o *Order) { o.ID = "T-100"; o.Currency.Code = "1EUR" },
		"discount label into line": func(o *Order) {
			o.Lines[2].Label += "C"
			o.Discounts[0].Label = "oupon"
		},
	}
	base := sample()
	seen := map[Hash]string{base.Hash(): "sample"}
	for name, mutate := range mutations {
		o := sample()
		mutate(&o)
		h := o.Hash()
		if prev, ok := seen[h]; ok {
			t.Errorf("%s hashes like %s", name, prev)
		}
		seen[h] = name
	}
}

func TestParseHash(t *testing.T) {
	o := sample()
	h := o.Hash()
	got, err := ParseHash(h.String())
	if err != nil || got != h {
		t.Fatalf("ParseHash(String()) = %s, %v; want %s", got, err, h)
	}
	if s := h.String(); len(s) != 64 || strings.ToLower(s) != s {
		t.Errorf("String() = %q, want 64 lowercase hex digits", s)
	}
	for _, bad := range []string{"", "00", h.String()[:63], h.String() + "00", strings.Repeat("g", 64)} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) accepted", bad)
		}
	}
	if (Hash{}).IsZero() != true || h.IsZero() {
		t.Error("IsZero wrong")
	}
}

func BenchmarkHash(b *testing.B) {
	o := sample()
	o.Lines = make([]Line, MaxLines)
	for i := range o.Lines {
		o.Lines[i] = Line{ID: strings.Repeat("9", 8), Label: "おにぎり（鮭）", Quantity: One, UnitPrice: 150, Amount: 150}
	}
	for b.Loop() {
		o.Hash()
	}
}
