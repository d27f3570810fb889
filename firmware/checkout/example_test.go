package checkout_test

import (
	"fmt"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// A relay session: the firmware feeds events and performs the effects in
// the order they come; the credential leaves bound to the confirmed hash.
func Example() {
	eur := order.MustCurrency("EUR")
	o := order.Order{ID: "T-1", Currency: eur, Total: 250,
		Lines: []order.Line{{ID: "1", Label: "Bread", Quantity: order.One, UnitPrice: 250, Amount: 250}}}

	s := checkout.New(checkout.Config{HasScan: true})
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, ev := range []checkout.Event{
		checkout.Tick{Now: t0},
		checkout.OrderReceived{Req: "sale-1/42", Order: o, Mode: checkout.Relay},
		checkout.Touch{Action: checkout.ActConfirm},
		checkout.Touch{Action: checkout.ActChooseCode},
		checkout.CodeScanned{Code: "283456789012345678"},
		checkout.Outcome{Req: "sale-1/42", Approved: true, Reference: "PSP-7"},
	} {
		var effects []checkout.Effect
		s, effects = checkout.Step(s, ev)
		for _, e := range effects {
			switch e := e.(type) {
			case checkout.Show:
				fmt.Println("show", e.View.Screen)
			case checkout.Journal:
				fmt.Println("journal", e.Record.Kind)
			case checkout.Reply:
				fmt.Println("reply to", e.To, "bound to the confirmed order:", e.Hash == o.Hash())
			default:
				fmt.Printf("%T\n", e)
			}
		}
	}
	fmt.Println(s.Phase())
	// Output:
	// journal received
	// show order
	// journal confirmed
	// show method
	// checkout.StartScanner
	// show show-code
	// checkout.StopScanner
	// journal captured
	// reply to sale-1/42 bound to the confirmed order: true
	// checkout.Beep
	// show processing
	// journal outcome
	// show paid
	// done
}

// A question from the POS while no payment is on: the customer's Yes comes
// back as a ReplyAnswer to the request that asked.
func Example_question() {
	s := checkout.New(checkout.Config{HasScan: true})
	for _, ev := range []checkout.Event{
		checkout.Tick{Now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)},
		checkout.Ask{Req: "sale-1/43", Text: "Would you like a printed receipt?"},
		checkout.Touch{Action: checkout.ActYes},
	} {
		var effects []checkout.Effect
		s, effects = checkout.Step(s, ev)
		for _, e := range effects {
			switch e := e.(type) {
			case checkout.Show:
				fmt.Printf("show %s %q\n", e.View.Screen, e.View.Message)
			case checkout.Reply:
				fmt.Println("reply to", e.To, "yes:", e.Kind == checkout.ReplyAnswer && e.Approved)
			}
		}
	}
	fmt.Println(s.Phase())
	// Output:
	// show question "Would you like a printed receipt?"
	// reply to sale-1/43 yes: true
	// show idle ""
	// idle
}
