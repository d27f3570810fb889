package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/firmware/poslink"
	"payterm/pos"
)

// startEngine runs an engine whose only effect is answering requests.
func startEngine(t *testing.T) (*engine, *terminal) {
	t.Helper()
	e := newEngine(slog.New(slog.DiscardHandler), time.Now, checkout.Config{HasScan: true})
	e.perform = func(ef checkout.Effect) error {
		if r, ok := ef.(checkout.Reply); ok {
			e.answer(r)
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e, &terminal{e: e, signer: attest.Signer{POIID: devPOIID, Key: attest.DevKey(), Now: time.Now},
		modes: map[checkout.Mode]bool{checkout.Relay: true, checkout.Direct: true}, payments: newPayments(), stop: ctx}
}

func pendingOf(t *testing.T, e *engine) (checkout.Phase, checkout.RequestID) {
	t.Helper()
	var p checkout.Phase
	var id checkout.RequestID
	if err := e.do(t.Context(), func() { p, id = e.state.Phase(), e.state.Pending() }); err != nil {
		t.Fatal(err)
	}
	return p, id
}

// A second POS request that gives up at once — refused as busy or not yet
// seen — must never end the customer's session of the first.
func TestAbandonedRequestLeavesOtherSessionAlone(t *testing.T) {
	e, term := startEngine(t)
	o, err := pos.SampleOrder("T-A")
	if err != nil {
		t.Fatal(err)
	}
	go term.Payment(t.Context(), poslink.Call{SaleID: "POS", ServiceID: "A"}, o)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if p, _ := pendingOf(t, e); p == checkout.OrderShown {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first order never shown")
		}
		time.Sleep(5 * time.Millisecond)
	}
	for i := range 200 {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		o2, _ := pos.SampleOrder("T-B")
		res := term.Payment(ctx, poslink.Call{SaleID: "POS", ServiceID: "B" + string(rune('a'+i%26))}, o2)
		if res.Approved {
			t.Fatalf("abandoned request approved: %+v", res)
		}
		if p, id := pendingOf(t, e); p != checkout.OrderShown || id != "POS/A" {
			t.Fatalf("after abandoned request %d the terminal is %s with %q pending", i, p, id)
		}
	}
	// And the first request's own hang-up does end its session.
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan poslink.Result, 1)
	o3, _ := pos.SampleOrder("T-C")
	if err := e.do(t.Context(), func() { e.step(checkout.Abort{Reason: "test"}) }); err != nil {
		t.Fatal(err)
	}
	go func() { done <- term.Payment(ctx, poslink.Call{SaleID: "POS", ServiceID: "C"}, o3) }()
	for {
		if p, _ := pendingOf(t, e); p == checkout.OrderShown {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if res := <-done; res.Condition != "Aborted" {
		t.Fatalf("hung-up request answered %+v", res)
	}
	if p, _ := pendingOf(t, e); p != checkout.Idle {
		t.Fatalf("hung-up session left the terminal %s", p)
	}
}
