package ui

import (
	"image"
	"strings"
	"testing"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// FuzzOrderScreen feeds POS-controlled text and numbers to the order,
// result and question screens: nothing may panic, targets stay inside the panel,
// disjoint and hittable, and blocks never overlap.
func FuzzOrderScreen(f *testing.F) {
	f.Add("Coffee", "kg", int64(1500), int64(250), 0, uint8(0), "total does not match")
	f.Add("寿司弁当（特上）", "", int64(1000), int64(99999999), 3, uint8(1), "")
	f.Add("\x00\xff\n\t", "\u202e", int64(-5), int64(-1), -1, uint8(2), "\xff")
	f.Add("", "", int64(0), int64(0), 1<<30, uint8(3), "a very long reason without any spaces at all ,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,")
	f.Add("Join our club?", "It is free.", int64(1), int64(1), 0, uint8(10), strings.Repeat("Would you like a receipt? ", 11))
	layouts := []Layout{{W: 800, H: 480}, {W: 320, H: 320}, {W: 800, H: 480, Rotation: 90}, {W: 1280, H: 800, Rotation: 270}}
	renderers := make([]*Renderer, len(layouts))
	for i, l := range layouts {
		renderers[i] = newTestRenderer(f, l, nil)
	}
	f.Fuzz(func(t *testing.T, label, unit string, qty, price int64, page int, which uint8, msg string) {
		r := renderers[int(which)%len(renderers)]
		cur := order.MustCurrency("KWD")
		o := &order.Order{Currency: cur, Total: price}
		for i := 0; i < 7; i++ {
			o.Lines = append(o.Lines, order.Line{ID: label + string(rune('a'+i)), Label: label, Unit: unit,
				Quantity: order.Quantity(qty), UnitPrice: price, Amount: price, Discount: qty})
		}
		o.Discounts = []order.Discount{{Label: msg, Amount: price}}
		for _, v := range []checkout.View{
			{Screen: checkout.ScreenOrder, Order: o, Page: page, Corrected: page%2 == 0, Marked: map[string]bool{label + "a": true}},
			{Screen: checkout.ScreenFlagged, Order: o, Marked: map[string]bool{label + "b": true}},
			{Screen: checkout.ScreenFailed, Order: o, Message: msg},
			{Screen: checkout.ScreenQuestion, Message: msg},
			{Screen: checkout.ScreenQuestion, Message: label + "\n" + unit + "\n\n" + msg},
			{Screen: checkout.Screen(which), Order: o, Message: label},
		} {
			img, _ := r.Render(v)
			bs := r.Buttons()
			for i, b := range bs {
				if !b.Rect.In(img.Rect) || b.Rect.Dx() < 48 || b.Rect.Dy() < 48 {
					t.Fatalf("%v: button %q at %v", v.Screen, b.Label, b.Rect)
				}
				for _, o := range bs[i+1:] {
					if b.Rect.Overlaps(o.Rect) {
						t.Fatalf("%v: buttons %v and %v overlap", v.Screen, b.Rect, o.Rect)
					}
				}
				if got, ok := r.Hit(center(b.Rect)); !ok || got.Action != b.Action {
					t.Fatalf("%v: Hit(%q) = %v", v.Screen, b.Label, got)
				}
			}
			for i, b := range r.cur.blocks {
				for _, o := range r.cur.blocks[i+1:] {
					if b.bounds().Overlaps(o.bounds()) || !b.bounds().In(r.logical.Rect) {
						t.Fatalf("%v: blocks %v and %v overlap or leave the screen", v.Screen, b.bounds(), o.bounds())
					}
				}
			}
			r.Circled([]image.Point{{0, 0}, {img.Rect.Dx(), img.Rect.Dy()}, {0, img.Rect.Dy()}})
		}
	})
}
