package ui

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// layouts are the panels every screen must work on.
var layouts = []struct {
	name string
	l    Layout
}{
	{"1280x800", Layout{W: 1280, H: 800}},
	{"800x480", Layout{W: 800, H: 480}},
	{"1280x800-rot90", Layout{W: 1280, H: 800, Rotation: 90}},
	{"800x480-rot270", Layout{W: 800, H: 480, Rotation: 270}},
}

// cjkLabels are labels a Chinese or Japanese POS sends.
var cjkLabels = []string{"寿司弁当", "抹茶ラテ", "鲜榨橙汁", "牛肉面（大）", "おにぎり 鮭"}

// testOrder builds a valid order of n lines in cur: every third label
// CJK when cjk is set, a line discount on line 2 and an order discount.
func testOrder(n int, cjk bool) *order.Order {
	cur := order.MustCurrency("EUR")
	o := &order.Order{ID: "T1", Currency: cur}
	for i := 0; i < n; i++ {
		label := fmt.Sprintf("Item number %d with a longish name", i+1)
		if cjk && i%3 == 0 {
			label = cjkLabels[i%len(cjkLabels)]
		}
		q := order.Quantity((i%3 + 1) * 1000)
		unit := ""
		if i%5 == 4 {
			q, unit = 455, "kg"
		}
		price := int64(150 + 37*i)
		l := order.Line{ID: fmt.Sprintf("L%d", i+1), Label: label, Quantity: q, Unit: unit,
			UnitPrice: price, Amount: order.LineAmount(q, price)}
		if i == 1 {
			l.Discount = 50
		}
		o.Lines = append(o.Lines, l)
	}
	o.Discounts = []order.Discount{{Label: "Loyalty coupon", Amount: 100}}
	o.Total = o.Sum()
	return o
}

// views has one view per screen.
func views(o *order.Order) []checkout.View {
	return []checkout.View{
		{Screen: checkout.ScreenIdle},
		{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L2": true}},
		{Screen: checkout.ScreenFlagged, Order: o, Marked: map[string]bool{"L1": true, "L2": true}},
		{Screen: checkout.ScreenMethod, Order: o, Methods: []checkout.Method{checkout.Code, checkout.Face}},
		{Screen: checkout.ScreenShowCode, Order: o, Method: checkout.Code},
		{Screen: checkout.ScreenFace, Order: o, Method: checkout.Face},
		{Screen: checkout.ScreenProcessing, Order: o},
		{Screen: checkout.ScreenPaid, Order: o},
		{Screen: checkout.ScreenFailed, Order: o, Message: "The payment code has expired. Please refresh it and try again."},
		{Screen: checkout.ScreenRefused, Message: "The total does not match the items"},
		{Screen: checkout.ScreenQuestion, Message: "Would you like to join our loyalty club?\nIt is free and you collect points."},
		{Screen: checkout.ScreenNotProvisioned, Message: "configuration /data/payterm.json is missing"},
		{Screen: checkout.ScreenDocument, Doc: checkout.DocView{ID: "d", Pages: 3, Page: 1, Receipt: true}},
		{Screen: checkout.ScreenConfirmOnPhone, Order: o, Method: checkout.Code},
		{Screen: checkout.ScreenPhoneDigits, Order: o, Method: checkout.Face, Digits: 2, Message: "the digits did not match: please try again"},
	}
}

// allScreens lists every checkout.Screen, up to the first value without a
// name, so tables over screens pick up new ones.
func allScreens() []checkout.Screen {
	var out []checkout.Screen
	for s := checkout.Screen(0); s.String() != checkout.Screen(1<<30).String(); s++ {
		out = append(out, s)
	}
	return out
}

func newTestRenderer(tb testing.TB, l Layout, fonts *Fonts) *Renderer {
	tb.Helper()
	r, err := New(Options{Layout: l, Fonts: fonts, Name: "Counter 3"})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// cjkFonts are the system fonts with CJK, or a skip when none is installed.
func cjkFonts(tb testing.TB) *Fonts {
	tb.Helper()
	f, err := DefaultFonts("")
	if err != nil {
		tb.Fatal(err)
	}
	if !f.Covers('寿') {
		tb.Skip("no CJK font installed (fonts-noto-cjk or fonts-droid-fallback)")
	}
	return f
}

// saveShot writes the upright screen to $UI_SHOTS when set, for a human
// to look at; tests never compare these pixels.
func saveShot(tb testing.TB, r *Renderer, name string) {
	dir := os.Getenv("UI_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := r.PNG(f); err != nil {
		tb.Fatal(err)
	}
}

func center(r image.Rectangle) image.Point {
	return image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
}
