package order

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		want Quantity
		err  error
	}{
		{"1", One, nil},
		{"2", 2000, nil},
		{"0.455", 455, nil},
		{"0.5", 500, nil},
		{"1.250", 1250, nil},
		{"0.001", 1, nil},
		{"0", 0, nil},
		{"-1", -1000, nil}, // parses; Validate refuses it
		{"0.0005", 0, errPrecise},
		{"1,5", 0, errSyntax},
		{"", 0, errSyntax},
		{"kg", 0, errSyntax},
		{"10000000000000000", 0, errTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseQuantity(%q) = %d, %v; want error %v", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestQuantityString(t *testing.T) {
	tests := []struct {
		q    Quantity
		want string
	}{
		{One, "1"},
		{2000, "2"},
		{10000, "10"},
		{455, "0.455"},
		{500, "0.5"},
		{1250, "1.25"},
		{1, "0.001"},
		{0, "0"},
		{-1500, "-1.5"},
		{math.MinInt64, "-9223372036854775.808"},
	}
	for _, tt := range tests {
		if got := tt.q.String(); got != tt.want {
			t.Errorf("Quantity(%d).String() = %q, want %q", int64(tt.q), got, tt.want)
		}
	}
}

// FuzzParseQuantity: whatever parses prints back to a string that parses
// to the same quantity, and that string has no redundant zeros.
func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"1", "0.455", "2.500", "-0.5", "0.0001", "1000000", "00.10", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantity(s)
		want, ok := exactMinor(s, QuantityScale)
		if ok && len(s) <= 40 {
			if err != nil || q != Quantity(want) {
				t.Fatalf("ParseQuantity(%q) = %d, %v; want %d", s, q, err, want)
			}
		} else if err == nil {
			t.Fatalf("ParseQuantity(%q) = %d; want an error", s, q)
		}
		if err != nil {
			return
		}
		text := q.String()
		back, err := ParseQuantity(text)
		if err != nil || back != q {
			t.Fatalf("round trip %q → %d → %q → %d, %v", s, q, text, back, err)
		}
		if strings.Contains(text, ".") && strings.HasSuffix(text, "0") || strings.HasSuffix(text, ".") {
			t.Fatalf("Quantity(%d).String() = %q has redundant zeros", q, text)
		}
	})
}

func TestLineAmount(t *testing.T) {
	tests := []struct {
		q     Quantity
		price int64
		want  int64
	}{
		{One, 150, 150},
		{3000, 199, 597},
		{455, 199, 91},   // 90.545 rounds up
		{455, 100, 46},   // 45.5: half away from zero
		{500, 1, 1},      // 0.5 → 1
		{1500, 1, 2},     // 1.5 → 2
		{2500, 1, 3},     // 2.5 → 3, not banker's 2
		{499, 1, 0},      // 0.499 → 0
		{1, 499, 0},      // 0.499 → 0
		{1, 500, 1},      // 0.5 → 1
		{333, 3, 1},      // 0.999 → 1
		{250, 398, 100},  // 99.5 → 100
		{1234, 0, 0},     // free item
		{-500, 1, -1},    // negatives mirror: -0.5 → -1
		{-455, 199, -91}, // -90.545 → -91
		{-499, 1, 0},
		{MaxQuantity, MaxUnitPrice, MaxMinor}, // the largest line Validate allows
	}
	for _, tt := range tests {
		if got := LineAmount(tt.q, tt.price); got != tt.want {
			t.Errorf("LineAmount(%s, %d) = %d, want %d", tt.q, tt.price, got, tt.want)
		}
	}
}

func TestSumAndNet(t *testing.T) {
	o := Order{
		Lines: []Line{
			{Amount: 1000, Discount: 100},
			{Amount: 250},
		},
		Discounts: []Discount{{Label: "coupon", Amount: 50}},
	}
	if got := o.Lines[0].Net(); got != 900 {
		t.Errorf("Net = %d, want 900", got)
	}
	if got := o.Sum(); got != 1100 {
		t.Errorf("Sum = %d, want 1000-100+250-50 = 1100", got)
	}
}
