package ui_test

import (
	"fmt"
	"image"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/ui"
)

func Example() {
	r, err := ui.New(ui.Options{Layout: ui.Layout{W: 1280, H: 800}, Name: "Counter 3"})
	if err != nil {
		panic(err)
	}
	eur := order.MustCurrency("EUR")
	o := &order.Order{ID: "T1", Currency: eur, Total: 450, Lines: []order.Line{
		{ID: "1", Label: "Coffee", Quantity: 2 * order.One, UnitPrice: 150, Amount: 300},
		{ID: "2", Label: "Croissant", Quantity: order.One, UnitPrice: 150, Amount: 150},
	}}
	img, damage := r.Render(checkout.View{Screen: checkout.ScreenOrder, Order: o})
	fmt.Println(img.Rect, damage) // the firmware copies damage to the framebuffer

	// The customer taps the croissant's row.
	for _, b := range r.Buttons() {
		if b.Line == "2" {
			touch, _ := r.Hit(image.Pt(b.Rect.Min.X+10, b.Rect.Min.Y+10))
			fmt.Println(touch.Action, touch.Line)
		}
	}
	// Output:
	// (0,0)-(1280,800) [(0,0)-(1280,800)]
	// toggle-line 2
}
