package main

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/cashier"
	"payterm/pos/cashier/cashiertest"
	"payterm/pos/orderread"
)

// pos region read -send hands a read with problems to the cashier desk:
// it arrives with its fields and problems and is held, not sent; with no
// desk listening the error says so.
func TestPostReadToDesk(t *testing.T) {
	payer := cashiertest.NewPayer()
	desk := cashier.NewDesk(t.Context(), cashier.Config{Payer: payer, Mode: pos.Relay, AutoSend: true})
	srv := httptest.NewServer(cashier.Handler(desk))
	o, err := pos.SampleOrder("SCREEN-1")
	if err != nil {
		t.Fatal(err)
	}
	r := orderread.Read{Order: o, Source: "screen", Fields: []orderread.Field{
		{Line: 1, Name: orderread.NameAmount, Text: order.FormatAmount(o.Lines[1].Amount, o.Currency), Confidence: 0.4}}}
	r = orderread.Check(r)
	if err := postRead(t.Context(), srv.URL+"/", r); err != nil {
		t.Fatal(err)
	}
	s, _ := desk.Snapshot()
	if s.Stage != cashier.StageHeld || !reflect.DeepEqual(s.Problems, r.Problems) || !reflect.DeepEqual(s.Fields, r.Fields) {
		t.Fatalf("desk %+v, want the read %+v held", s, r)
	}
	payer.NoneSent(t)
	srv.Close()
	if err := postRead(t.Context(), srv.URL, r); err == nil || !strings.Contains(err.Error(), "no cashier desk") {
		t.Fatalf("no desk: %v", err)
	}
}

func TestUsesOCR(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"region", "read"}, true},
		{[]string{"serve", "-region"}, true},
		{[]string{"serve"}, true},
		{[]string{"send", "-order", "o.json"}, false},
	} {
		if got := usesOCR(tc.args); got != tc.want {
			t.Errorf("usesOCR(%q) = %v", tc.args, got)
		}
	}
}
