package receipttext

import (
	"image"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/pos/orderread"
)

// text makes lines of words from text, one line per row, words split on
// spaces, every word read at conf unless it ends in "/NN" (NN percent).
func text(rows ...string) []Line {
	var ls []Line
	for y, r := range rows {
		var l Line
		for x, f := range strings.Fields(r) {
			c := 0.95
			if w, pct, ok := strings.Cut(f, "/"); ok {
				f = w
				c = float64(atoi(pct)) / 100
			}
			l.Words = append(l.Words, Word{Text: f, Conf: c, Box: image.Rect(x*50, y*30, x*50+40, y*30+20)})
		}
		ls = append(ls, l)
	}
	return ls
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

var cny = order.MustCurrency("CNY")

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		rows     []string
		lines    []string // "label|qty unit|unit price|amount"
		total    int64
		problems []string // fields flagged, in order; nil: sendable
	}{
		{"columns", []string{"品名 Item 数量 Qty 单价 Price 金额 Amount", "苹果 Apple 2 3.50 7.00", "鸡蛋 Eggs 12 0.85 10.20", "香 蕉 Banana 0.455kg 6.60 3.00", "折扣 Discount -5.00", "合计 Total 15.20"},
			[]string{"苹果 Apple|2|350|700", "鸡蛋 Eggs|12|85|1020", "香蕉 Banana|0.455kg|660|300"}, 1520, nil},
		{"two lines", []string{"苹果 Apple", "2X3.50 7.00", "Orange Juice", "2 x 8.90 17.80", "合计 Total 24.80"},
			[]string{"苹果 Apple|2|350|700", "Orange Juice|2|890|1780"}, 2480, nil},
		{"glued multiplier and unit", []string{"香蕉 Banana", "0.455kgx 6.60 3.00", "Total: 3.00"},
			[]string{"香蕉 Banana|0.455kg|660|300"}, 300, nil},
		{"full-width digits", []string{"牛奶 Milk １ １２.８０ １２.８０", "合计 １２.８０"}, []string{"牛奶 Milk|1|1280|1280"}, 1280, nil},
		{"corroborated low digit", []string{"牛奶 Milk 1/32 12.80 12.80", "合计 Total 12.80/40"}, []string{"牛奶 Milk|1|1280|1280"}, 1280, nil},
		{"low-confidence label", []string{"香 葵/0 Banana 1 6.60 6.60", "合计 Total 6.60"}, []string{"香葵 Banana|1|660|660"}, 660, []string{orderread.NameLabel}},
		{"smudged amount missing", []string{"苹果 Apple 2 3.50", "合计 Total 7.00"}, []string{"苹果 Apple|2|350|0"}, 700, []string{orderread.NameAmount, orderread.NameTotal, orderread.NameQuantity, orderread.NameUnitPrice}},
		{"smudged amount junk", []string{"苹果 Apple 2 3.50 #@!/20", "合计 Total 7.00"}, []string{"苹果 Apple|2|350|0"}, 700, []string{orderread.NameAmount, orderread.NameTotal, orderread.NameQuantity, orderread.NameUnitPrice}},
		{"wrong amount", []string{"苹果 Apple 2 3.50 8.00", "合计 Total 8.00"}, []string{"苹果 Apple|2|350|800"}, 800, []string{orderread.NameAmount}},
		{"total mismatch", []string{"苹果 Apple 2 3.50 7.00", "合计 Total 9.00"}, []string{"苹果 Apple|2|350|700"}, 900, []string{orderread.NameTotal}},
		{"no total", []string{"苹果 Apple 2 3.50 7.00"}, []string{"苹果 Apple|2|350|700"}, 0, []string{orderread.NameTotal}},
		{"subtotal wrong", []string{"苹果 Apple 2 3.50 7.00", "小计 Subtotal 6.00", "合计 Total 7.00"}, []string{"苹果 Apple|2|350|700"}, 700, []string{orderread.NameTotal}},
		{"numbers without label", []string{"2 3.50 7.00", "合计 Total 7.00"}, []string{"|2|350|700"}, 700, []string{orderread.NameLabel}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse(text(tt.rows...), Options{ID: "T1", Currency: cny})
			var got []string
			for _, l := range r.Order.Lines {
				got = append(got, strings.Join([]string{l.Label, l.Quantity.String() + l.Unit, order.FormatAmount(l.UnitPrice, order.Currency{Code: "X"}), order.FormatAmount(l.Amount, order.Currency{Code: "X"})}, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tt.lines, "\n") {
				t.Errorf("lines\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.lines, "\n"))
			}
			if r.Order.Total != tt.total {
				t.Errorf("total %d, want %d", r.Order.Total, tt.total)
			}
			var names []string
			for _, p := range r.Problems {
				names = append(names, p.Name)
			}
			if strings.Join(toStrings(names), ",") != strings.Join(toStrings(tt.problems), ",") {
				t.Errorf("problems %+v, want fields %v", r.Problems, tt.problems)
			}
			if r.Sendable() != (len(tt.problems) == 0) {
				t.Errorf("sendable %v with problems %+v (validate: %v)", r.Sendable(), r.Problems, r.Order.Validate())
			}
			// One field per value: a label, quantity, price and amount per
			// line, one per discount, the total.
			if want := 4*len(r.Order.Lines) + len(r.Order.Discounts) + 1; len(r.Fields) != want {
				t.Errorf("%d fields, want %d", len(r.Fields), want)
			}
		})
	}
}

func toStrings(ns []string) []string {
	var s []string
	for _, n := range ns {
		s = append(s, string(n))
	}
	return s
}

func TestGroupLines(t *testing.T) {
	w := func(s string, x, y int) Word { return Word{Text: s, Box: image.Rect(x, y, x+30, y+20), Conf: 1} }
	// Out of order, and the second column a few pixels lower.
	ls := GroupLines([]Word{w("7.00", 300, 3), w("牛奶", 0, 30), w("苹", 0, 0), w("果", 25, 1), w("Apple", 60, 0), w("12.80", 300, 32)})
	var got []string
	for _, l := range ls {
		got = append(got, l.Text())
	}
	if want := "苹果 Apple 7.00|牛奶 12.80"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}
