package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"payterm/pos"
)

// TestRelayOverHTTPS: the seed flow through the automation API — the POS
// sends the order, the customer confirms and scans, the POS charges the
// credential and the terminal shows the result.
func TestRelayOverHTTPS(t *testing.T) {
	s := startSystem(t, nil)
	cust := s.Customer(100000)
	o, err := pos.SampleOrder("T-RELAY-1")
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		out pos.Outcome
		err error
	}
	done := make(chan res, 1)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		out, err := s.Agent().Pay(ctx, o, pos.Relay)
		done <- res{out, err}
	}()
	st := s.WaitScreen("order")
	if st.OrderHash != o.Hash().String() {
		t.Fatalf("terminal shows order %s, POS sent %s", st.OrderHash, o.Hash())
	}
	s.Scan("134567890123456789", http.StatusConflict) // not asking for a code yet
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	if st := s.WaitScreen("show-code"); !st.ScannerArmed {
		t.Fatal("scanner not armed while the terminal asks for a code")
	}
	s.Scan(s.Code(cust.ID), http.StatusOK)
	r := <-done
	if r.err != nil || !r.out.Paid {
		t.Fatalf("outcome %v, %v", r.out, r.err)
	}
	if got, want := s.Balance(cust.ID), int64(100000)-o.Total; got != want {
		t.Fatalf("balance %d, want %d", got, want)
	}
	st = s.WaitScreen("paid")
	if st.ScannerArmed {
		t.Fatal("scanner still armed after the payment")
	}
	if n := len(st.Results); n == 0 || st.Results[n-1].OrderHash != o.Hash().String() || st.Results[n-1].Screen != "paid" {
		t.Fatalf("/sim/state results %+v, want the paid screen of order %s last", st.Results, o.Hash())
	}
}
