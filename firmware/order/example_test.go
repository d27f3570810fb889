package order_test

import (
	"fmt"

	"payterm/firmware/order"
)

// An order as the POS would send it: amounts parsed in major units,
// weighed goods with a decimal quantity, lines that must sum to the total.
func Example() {
	eur := order.MustCurrency("EUR")
	price, _ := order.ParseAmount("1.99", eur)
	kg, _ := order.ParseQuantity("0.455")

	o := order.Order{
		ID:       "T-1001",
		Currency: eur,
		Lines: []order.Line{
			{ID: "1", Label: "Bananas", Quantity: kg, Unit: "kg", UnitPrice: price, Amount: order.LineAmount(kg, price)},
			{ID: "2", Label: "緑茶", Quantity: order.One, UnitPrice: 120, Amount: 120},
		},
	}
	o.Total = o.Sum()
	fmt.Println(order.Display(o.Lines[0].Amount, eur), "for", o.Lines[0].Quantity, o.Lines[0].Unit)
	fmt.Println("total", order.Display(o.Total, eur), "valid:", o.Validate() == nil)

	o.Total++ // the POS got its sum wrong
	fmt.Println(o.Validate())
	// Output:
	// EUR 0.91 for 0.455 kg
	// total EUR 2.11 valid: true
	// order: lines sum to 2.11, total says 2.12: lines do not sum to the total
}

func ExampleDisplay() {
	fmt.Println(order.Display(123450, order.MustCurrency("EUR")))
	fmt.Println(order.Display(1200, order.MustCurrency("JPY")))
	// Output:
	// EUR 1,234.50
	// JPY 1,200
}
