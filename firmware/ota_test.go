package main

import (
	"context"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/poslink"
	"payterm/pos"
)

// TestWhenIdle: f runs in the loop only once the checkout is idle, once;
// a waiter whose context ended never runs it.
func TestWhenIdle(t *testing.T) {
	e, term := startEngine(t)
	phase := func() checkout.Phase { p, _ := pendingOf(t, e); return p }

	// Idle now: f runs at once, in the loop, seeing the checkout idle.
	var seen checkout.Phase = -1
	if err := e.whenIdle(t.Context(), func() { seen = e.state.Phase() }); err != nil || seen != checkout.Idle {
		t.Fatalf("whenIdle on an idle checkout: %v, f saw %v", err, seen)
	}

	o, err := pos.SampleOrder("T-IDLE")
	if err != nil {
		t.Fatal(err)
	}
	go term.Payment(t.Context(), poslink.Call{SaleID: "POS", ServiceID: "S1"}, o)
	for deadline := time.Now().Add(5 * time.Second); phase() != checkout.OrderShown; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("order never shown")
		}
	}
	gone, cancelGone := context.WithCancel(t.Context())
	goneRan := make(chan struct{}, 1)
	goneErr := make(chan error, 1)
	go func() { goneErr <- e.whenIdle(gone, func() { goneRan <- struct{}{} }) }()
	runs := make(chan checkout.Phase, 2)
	done := make(chan error, 1)
	go func() { done <- e.whenIdle(t.Context(), func() { runs <- e.state.Phase() }) }()

	time.Sleep(3 * e.tick) // ticks pass with the order on screen
	select {
	case p := <-runs:
		t.Fatalf("f ran during a sale (phase %v)", p)
	default:
	}
	cancelGone()
	if err := <-goneErr; err == nil {
		t.Fatal("a waiter whose context ended reported f run")
	}
	if err := e.do(t.Context(), func() { e.step(checkout.Abort{Reason: "test"}) }); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if p := <-runs; p != checkout.Idle {
		t.Fatalf("f ran in phase %v", p)
	}
	time.Sleep(2 * e.tick)
	select {
	case <-goneRan:
		t.Fatal("f of a waiter whose context ended ran")
	case p := <-runs:
		t.Fatalf("f ran twice (again in %v)", p)
	default:
	}
}
