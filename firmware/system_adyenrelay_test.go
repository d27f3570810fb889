package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"payterm/firmware/poslink"
	"payterm/payhost"
)

// TestAdyenRelay: relay mode through @adyen/api-library unchanged. The
// script sends a PaymentRequest marked for relay in SaleToAcquirerData;
// the customer confirms and scans; the reply is a Failure that never
// reads as paid, with the credential, order hash and signature in
// AdditionalResponse, which the script verifies with the key a POS
// learns at pairing. The POS (here the test) charges the credential, the
// script tells the terminal with an outcome DisplayRequest, and the
// customer sees paid. The money moves once.
func TestAdyenRelay(t *testing.T) {
	s, plan := startAdyenSystem(t)
	cust := s.Customer(100000)
	plan.OrderID = "ADY-RELAY-" + fmt.Sprint(time.Now().UnixNano())
	plan.Steps = []string{"relay"}
	key, err := s.cfg.terminalKey()
	if err != nil {
		t.Fatal(err)
	}
	plan.TerminalKey = hex.EncodeToString(key.Public().(ed25519.PublicKey))
	want := adyenOrder(t, plan)

	run := startInterop(t, plan)
	if st := s.WaitScreen("order"); st.OrderHash != want.Hash().String() {
		t.Fatalf("terminal shows order %s, want %s", st.OrderHash, want.Hash())
	}
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	code := s.Code(cust.ID)
	s.Scan(code, http.StatusOK)

	rel := run.next(t)
	if rel.Step != "relay" || rel.Error != "" {
		t.Fatalf("relay step: %+v", rel)
	}
	checkHeader(t, rel, poslink.CategoryPayment)
	pr := rel.paymentResponse(t)
	if pr.Response.Result == poslink.ResultSuccess || pr.Response.ErrorCondition != poslink.CondRefusal || pr.PaymentResult != nil {
		t.Fatalf("relay capture reads %q/%q with PaymentResult %+v: it must never look paid",
			pr.Response.Result, pr.Response.ErrorCondition, pr.PaymentResult)
	}
	r := rel.Relay
	switch {
	case !r.Captured || r.Method != "code":
		t.Fatalf("AdditionalResponse: captured %v, method %q", r.Captured, r.Method)
	case r.Code != code:
		t.Fatalf("credential in AdditionalResponse is not the scanned code")
	case r.OrderHash != want.Hash().String():
		t.Fatalf("orderHash %s, want %s", r.OrderHash, want.Hash())
	case r.VerifyError != "":
		t.Fatalf("the script could not verify the terminal's signature with the paired key: %s", r.VerifyError)
	}
	if got := s.Balance(cust.ID); got != 100000 {
		t.Fatalf("balance %d after the capture: a relay capture charged", got)
	}

	st, err := payhost.DecodeStatement(r.Statement)
	if err != nil {
		t.Fatalf("statement in AdditionalResponse: %v", err)
	}
	pay, err := s.Host.Client.Pay(context.Background(), payhost.PayRequest{
		OutTradeNo: "POS-ADYEN-" + want.Hash().String()[:16], AuthCode: r.Code, Amount: want.Total, Currency: "CNY",
		OrderHash: r.OrderHash, TerminalID: devPOIID, Description: "order " + want.ID,
		Statement: &st, Signature: r.Signature,
	})
	if err != nil || !pay.Paid() {
		t.Fatalf("the POS's charge: %+v, %v", pay, err)
	}
	if _, err := fmt.Fprintln(run.stdin, "accepted"); err != nil {
		t.Fatal(err)
	}
	out := run.next(t)
	run.wait(t)
	if out.Step != "outcome" || out.Error != "" {
		t.Fatalf("outcome step: %+v", out)
	}
	checkHeader(t, out, poslink.CategoryDisplay)
	var dr poslink.DisplayResponse
	if err := json.Unmarshal(out.Response.SaleToPOIResponse.DisplayResponse, &dr); err != nil ||
		len(dr.OutputResult) != 1 || dr.OutputResult[0].Response.Result != poslink.ResultSuccess {
		t.Fatalf("outcome DisplayResponse %s (%v)", out.Response.SaleToPOIResponse.DisplayResponse, err)
	}
	s.WaitScreen("paid")
	if got, wantBal := s.Balance(cust.ID), int64(100000)-want.Total; got != wantBal {
		t.Errorf("balance %d, want %d: charged once for %d", got, wantBal, want.Total)
	}
}
