package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"payterm/pos"
)

// TestDiagnosisOverLink: the POS fetches the terminal's status and the tail
// of its log; payment codes appear in it only masked.
func TestDiagnosisOverLink(t *testing.T) {
	s := startSystem(t, nil)
	a := s.Agent()
	d, err := a.Terminal.Diagnosis(t.Context(), "POS-TEST", "diag-1")
	if err != nil || d.Status != "OK" {
		t.Fatalf("idle terminal: %+v %v", d, err)
	}

	cust := s.Customer(100000)
	o, _ := pos.SampleOrder("T-DIAG")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan pos.Outcome, 1)
	go func() { out, _ := a.Pay(ctx, o, pos.Relay); done <- out }()
	s.WaitScreen("order")
	if d, err := a.Terminal.Diagnosis(t.Context(), "POS-TEST", "diag-2"); err != nil || d.Status != "Busy" {
		t.Fatalf("terminal with a customer: %+v %v", d, err)
	}
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	code := s.Code(cust.ID)
	s.Scan(code, http.StatusOK)
	if out := <-done; !out.Paid {
		t.Fatalf("not paid: %v", out)
	}

	d, err = a.Terminal.Diagnosis(t.Context(), "POS-TEST", "diag-3")
	if err != nil {
		t.Fatal(err)
	}
	log := strings.Join(d.Log, "\n")
	if !strings.Contains(log, "relay payment") || !strings.Contains(log, code[len(code)-4:]) {
		t.Fatalf("log tail lacks the sale:\n%s", log)
	}
	if strings.Contains(log, code) {
		t.Fatal("log tail holds the payment code unmasked")
	}
}
