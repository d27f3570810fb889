package poslink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
)

// relayBody is a PaymentRequest body for one bread line with the given
// SaleToAcquirerData (raw JSON, "" for none).
func relayBody(sta string) string {
	sd := `{"SaleTransactionID":{"TransactionID":"T"}}`
	if sta != "" {
		sd = `{"SaleTransactionID":{"TransactionID":"T"},"SaleToAcquirerData":` + sta + `}`
	}
	return `{"SaleData":` + sd + `,"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.40},"SaleItem":[` + bread + `]}}`
}

// TestRelayPaymentNeverReadsPaid: a PaymentRequest marked for relay runs
// Acquire, never Payment, and its PaymentResponse is Failure/Refusal with
// no PaymentResult and the credential and its binding in
// AdditionalResponse; the client reads it back as a capture.
func TestRelayPaymentNeverReadsPaid(t *testing.T) {
	o := testOrder(2)
	tests := []struct {
		name     string
		result   func(order.Order) poslink.Result
		codeKey  string
		code     string
		captured bool
		cond     string
	}{
		{"code", func(o order.Order) poslink.Result {
			return poslink.Result{Approved: true, Hash: o.Hash(), Method: "code", Code: poslinktest.DefaultCode,
				Statement: "eyJzdGF0ZW1lbnQiOjF9", Signature: "c2ln+/=="}
		}, poslink.AddPaymentCode, poslinktest.DefaultCode, true, poslink.CondRefusal},
		{"face", func(o order.Order) poslink.Result {
			return poslink.Result{Approved: true, Hash: o.Hash(), Method: "face", Code: "face-token-123456789", Signature: "s"}
		}, poslink.AddFaceToken, "face-token-123456789", true, poslink.CondRefusal},
		{"flagged", func(order.Order) poslink.Result {
			return poslink.Result{Condition: poslink.CondCancel, Flagged: []string{"2"}}
		}, "", "", false, poslink.CondCancel},
		{"withheld: other order", func(order.Order) poslink.Result {
			other := testOrder(5)
			return poslink.Result{Approved: true, Hash: other.Hash(), Method: "code", Code: poslinktest.DefaultCode}
		}, "", "", false, poslink.CondUnavailableService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.term.AcquireFunc = func(_ context.Context, _ poslink.Call, o order.Order) poslink.Result { return tt.result(o) }
			res, err := r.client.RelayPayment(bg, testSale, "1", o)
			if err != nil {
				t.Fatal(err)
			}
			if r.term.Count("Payment") != 0 || r.term.Count("Acquire") != 1 {
				t.Fatalf("terminal calls %+v, want one Acquire", r.term.Calls())
			}
			if res.Approved != tt.captured || (tt.captured && (res.Code.Reveal() != tt.code || res.Hash != o.Hash())) {
				t.Fatalf("result %+v", res)
			}
			if !tt.captured && (res.Code != "" || res.Condition != tt.cond) {
				t.Fatalf("result %+v, want %s and no credential", res, tt.cond)
			}

			key := testKey
			rep := parseReply(t, r.send(r.capture(&key, func(c *poslink.Client) error {
				_, err := c.RelayPayment(bg, testSale, "2", o)
				return err
			})), r.keys)
			var pr poslink.PaymentResponse
			if err := json.Unmarshal(rep.Body, &pr); err != nil || rep.Name != "PaymentResponse" {
				t.Fatalf("%s: %v", rep.Name, err)
			}
			if pr.Response.Result != poslink.ResultFailure || pr.Response.ErrorCondition != tt.cond || pr.PaymentResult != nil {
				t.Fatalf("relay PaymentResponse %+v, want Failure/%s without PaymentResult", pr, tt.cond)
			}
			add := poslink.ParseAdditional(pr.Response.AdditionalResponse)
			if got := add.Get(poslink.AddRelay) == poslink.AddRelayCaptured; got != tt.captured {
				t.Fatalf("payterm.relay=captured is %v in %q", got, pr.Response.AdditionalResponse)
			}
			if !tt.captured {
				if bytes.Contains(rep.Body, []byte(poslinktest.DefaultCode)) {
					t.Fatalf("credential in a reply without a capture: %s", rep.Body)
				}
				return
			}
			want := tt.result(o)
			for k, v := range map[string]string{tt.codeKey: tt.code, poslink.AddMethod: want.Method,
				poslink.AddOrderHash: o.Hash().String(), poslink.AddStatement: want.Statement, poslink.AddSignature: want.Signature} {
				if add.Get(k) != v {
					t.Errorf("AdditionalResponse %s = %q, want %q", k, add.Get(k), v)
				}
			}
		})
	}
}

// TestRelayRefusedInTheClear: a plain request never gets a credential —
// neither a relay PaymentRequest nor a CardAcquisition — and the customer
// is never asked for one.
func TestRelayRefusedInTheClear(t *testing.T) {
	r := newRig(t)
	for i, msg := range [][]byte{
		plainRequest("Payment", "1", relayBody(jstr(poslink.RelayMarker))),
		plainRequest("CardAcquisition", "2", `{"SaleData":{"SaleTransactionID":{"TransactionID":"T"}},"CardAcquisitionTransaction":{"TotalAmount":2.40,"Currency":"EUR","SaleItem":[`+bread+`]}}`),
	} {
		out := r.send(msg)
		rep := parseReply(t, out, r.keys)
		if resp := rep.response(t); resp.Result != poslink.ResultFailure || resp.ErrorCondition != poslink.CondNotAllowed {
			t.Errorf("request %d: %+v, want Failure/NotAllowed", i, resp)
		}
		if bytes.Contains(out, []byte(poslinktest.DefaultCode)) {
			t.Errorf("request %d: credential in a plain reply: %s", i, out)
		}
	}
	if n := len(r.term.Calls()); n != 0 {
		t.Fatalf("terminal called %d times for plain relay requests", n)
	}
	if _, err := r.plain.RelayPayment(bg, testSale, "3", testOrder(1)); err != nil {
		t.Fatal(err) // a Failure is a result, not an error
	}
}

// TestRelayMarkSelectsMode: SaleToAcquirerData chooses between Acquire
// and Payment; what it cannot tell is refused before the customer sees
// anything.
func TestRelayMarkSelectsMode(t *testing.T) {
	tests := []struct {
		name, sta string
		call      string // terminal method called, "" none
		cond      string // ErrorCondition of a refusal
	}{
		{"none", "", "Payment", ""},
		{"null", "null", "Payment", ""},
		{"relay", jstr("payterm.mode=relay"), "Acquire", ""},
		{"relay among others", jstr("tenderOption=AskGratuity&payterm.mode=relay&x=%zz"), "Acquire", ""},
		{"escaped", jstr("payterm%2Emode=rel%61y"), "Acquire", ""},
		{"direct", jstr("payterm.mode=direct"), "Payment", ""},
		{"other data", jstr("eyJhcHBsaWNhdGlvbkluZm8iOnt9fQ=="), "Payment", ""},
		{"unknown mode", jstr("payterm.mode=relai"), "", poslink.CondMessageFormat},
		{"twice", jstr("payterm.mode=relay&payterm.mode=relay"), "", poslink.CondMessageFormat},
		{"object", `{"payterm.mode":"relay"}`, "", poslink.CondMessageFormat},
		{"unreadable", jstr("payterm.mode=%zz"), "", poslink.CondMessageFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			rep := parseReply(t, r.send(encrypt(t, plainRequest("Payment", "1", relayBody(tt.sta)), testKey)), r.keys)
			calls := r.term.Calls()
			switch {
			case tt.call == "" && len(calls) != 0:
				t.Fatalf("terminal called: %+v", calls)
			case tt.call != "" && (len(calls) != 1 || calls[0].Method != tt.call):
				t.Fatalf("terminal calls %+v, want one %s", calls, tt.call)
			}
			if tt.cond != "" {
				if resp := rep.response(t); resp.Result != poslink.ResultFailure || resp.ErrorCondition != tt.cond {
					t.Fatalf("%+v, want Failure/%s", resp, tt.cond)
				}
			}
		})
	}
}

// TestRelayPaymentStatusRepeatsCapture: TransactionStatus repeats a relay
// capture as it was sent — still a Failure, never Success.
func TestRelayPaymentStatusRepeatsCapture(t *testing.T) {
	r := newRig(t)
	o := testOrder(1)
	if res, err := r.client.RelayPayment(bg, testSale, "1", o); err != nil || !res.Approved {
		t.Fatalf("%+v %v", res, err)
	}
	st, err := r.client.TransactionStatus(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if st.Category != "Payment" || st.Result.Approved || st.Result.Condition != poslink.CondRefusal {
		t.Fatalf("status %+v: a relay capture must never repeat as paid", st)
	}
}

// TestRelayClientRefusesForgedReplies: a capture only counts when it came
// encrypted, and a terminal that charged instead is reported as such.
func TestRelayClientRefusesForgedReplies(t *testing.T) {
	o := testOrder(1)
	captured := `{"Response":{"Result":"Failure","ErrorCondition":"Refusal","AdditionalResponse":"payterm.relay=captured&method=code&paymentCode=1234567890&orderHash=` +
		o.Hash().String() + `"},"SaleData":{"SaleTransactionID":{"TransactionID":"TX-1","TimeStamp":"x"}},"POIData":{"POITransactionID":{"TransactionID":"p","TimeStamp":"x"}}}`
	paid := `{"Response":{"Result":"Success"},"SaleData":{"SaleTransactionID":{"TransactionID":"TX-1","TimeStamp":"x"}},"POIData":{"POITransactionID":{"TransactionID":"p","TimeStamp":"x"}},` +
		`"PaymentResult":{"PaymentAcquirerData":{"AcquirerTransactionID":{"TransactionID":"REF-9","TimeStamp":"x"}}}}`
	tests := []struct {
		name    string
		body    string
		seal    bool
		wantErr error // nil: any error
		charged bool
	}{
		{"plain capture to an encrypted request", captured, false, nil, false},
		{"charged instead", paid, true, poslink.ErrRelayCharged, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := testKey
			c, err := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key, Transport: func(_ context.Context, req []byte) ([]byte, error) {
				plain, err := poslink.DecryptMessage(req, mustKeys(t))
				if err != nil {
					return nil, err
				}
				var in struct {
					SaleToPOIRequest struct{ MessageHeader poslink.MessageHeader }
				}
				json.Unmarshal(plain, &in)
				h := in.SaleToPOIRequest.MessageHeader
				h.MessageType = poslink.TypeResponse
				hb, _ := json.Marshal(h)
				out := []byte(`{"SaleToPOIResponse":{"MessageHeader":` + string(hb) + `,"PaymentResponse":` + tt.body + `}}`)
				if tt.seal {
					return poslink.EncryptMessage(out, key)
				}
				return out, nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.RelayPayment(bg, testSale, "1", o)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			if tt.charged != (res.Approved && res.Reference == "REF-9") {
				t.Fatalf("result %+v", res)
			}
			if !tt.charged && strings.Contains(res.Code.Reveal(), "1234") {
				t.Fatalf("forged credential accepted: %+v", res)
			}
		})
	}
}

func mustKeys(t *testing.T) *poslink.Keys {
	t.Helper()
	k, err := poslink.NewKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
