// Package cashiertest has fakes for tests of code that drives a
// cashier.Desk.
package cashiertest

import (
	"context"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/cashier"
)

// Payer is a scripted terminal and payment system: each Pay records its
// order on Orders and answers with the next value sent on Outcomes (or
// ctx's error when the test ends first).
type Payer struct {
	Orders   chan order.Order
	Outcomes chan pos.Outcome
}

var _ cashier.Payer = (*Payer)(nil)

// NewPayer returns a Payer with room for a few orders and outcomes.
func NewPayer() *Payer { return &Payer{make(chan order.Order, 4), make(chan pos.Outcome, 4)} }

// Pay records o and waits for its outcome.
func (p *Payer) Pay(ctx context.Context, o order.Order, _ pos.Mode) (pos.Outcome, error) {
	p.Orders <- o
	select {
	case out := <-p.Outcomes:
		return out, nil
	case <-ctx.Done():
		return pos.Outcome{}, ctx.Err()
	}
}

// Next is the next order sent; the test fails when none comes within
// 10 s (a hang guard, not a timing assertion).
func (p *Payer) Next(t testing.TB) order.Order {
	t.Helper()
	select {
	case o := <-p.Orders:
		return o
	case <-time.After(10 * time.Second):
		t.Fatal("cashiertest: no order sent")
	}
	return order.Order{}
}

// NoneSent fails the test when an order reached Pay and was not taken
// by Next. Pay runs on the desk's own goroutine, after the stage turned
// to waiting: assert the stage first, this catches an order that got
// through all the same.
func (p *Payer) NoneSent(t testing.TB) {
	t.Helper()
	select {
	case o := <-p.Orders:
		t.Fatalf("cashiertest: order %s was sent: %+v", o.ID, o)
	default:
	}
}
