package poslink_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
)

var bg = context.Background()

func paymentBody(currency, total, items string) string {
	return fmt.Sprintf(`{"SaleData":{"SaleTransactionID":{"TransactionID":"TX-1","TimeStamp":"2026-05-08T14:24:48.598Z"}},`+
		`"PaymentTransaction":{"AmountsReq":{"Currency":%q,"RequestedAmount":%s},"SaleItem":[%s]}}`, currency, total, items)
}

const bread = `{"ItemID":1,"ProductCode":"4711","ProductLabel":"Bread","Quantity":2,"UnitPrice":1.20,"ItemAmount":2.40}`

var goodPayment = paymentBody("EUR", "2.40", bread)

func manyItems(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"ItemID":%d,"ProductCode":"","ProductLabel":"x","ItemAmount":1}`, i)
	}
	return strings.Join(items, ",")
}

func header(category, msgType, serviceID, poi string) string {
	return fmt.Sprintf(`{"ProtocolVersion":"3.0","MessageClass":"Service","MessageCategory":%s,"MessageType":%s,`+
		`"ServiceID":%s,"SaleID":%s,"POIID":%s}`, jstr(category), jstr(msgType), jstr(serviceID), jstr(testSale), jstr(poi))
}

func TestBadInput(t *testing.T) {
	otherKey := poslink.SecurityKey{KeyIdentifier: "other", KeyVersion: 1, Passphrase: testKey.Passphrase}
	newVersion := poslink.SecurityKey{KeyIdentifier: testKey.KeyIdentifier, KeyVersion: 2, Passphrase: testKey.Passphrase}
	wrongPass := poslink.SecurityKey{KeyIdentifier: testKey.KeyIdentifier, KeyVersion: 1, Passphrase: "guess"}
	sealed := func(t *testing.T) []byte { return encrypt(t, plainRequest("Payment", "1", goodPayment), testKey) }
	trailer := func(m map[string]any) map[string]any { return m["SecurityTrailer"].(map[string]any) }

	tests := []struct {
		name          string
		msg           func(t *testing.T) []byte
		encryptedOnly bool
		rejected      bool   // no header: EventNotification Reject
		cond          string // else: Failure with this ErrorCondition
		body          string // reply body name, when not the category's
		has           string // in the message
		shown         bool   // reaches the Terminal so the customer sees it refused
		encrypted     bool   // reply encrypted
	}{
		{name: "not JSON", msg: raw(`{"SaleToPOIRequest":`), rejected: true, has: "not a JSON object"},
		{name: "JSON array", msg: raw(`[1,2]`), rejected: true, has: "not a JSON object"},
		{name: "two roots", msg: raw(`{"SaleToPOIRequest":{},"X":{}}`), rejected: true, has: "want one of"},
		{name: "no header", msg: raw(`{"SaleToPOIRequest":{"PaymentRequest":{}}}`), rejected: true, has: "MessageHeader missing"},
		{name: "header not an object", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":7}}`), rejected: true, has: "MessageHeader"},
		{name: "a response", msg: raw(`{"SaleToPOIResponse":{"MessageHeader":` + header("Payment", "Response", "1", testPOI) + `}}`), rejected: true, has: "not a request"},
		{name: "garbage category", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Pay<ment>", "Request", "1", testPOI) + `}}`), rejected: true, has: "MessageCategory"},
		{name: "unknown category", msg: raw(string(plainRequest("Reconciliation", "1", `{}`))), cond: "UnavailableService", body: "ReconciliationResponse", has: "unsupported"},
		{name: "no body", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Payment", "Request", "1", testPOI) + `}}`), cond: "MessageFormat", has: "got no body"},
		{name: "body of another category", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Payment", "Request", "1", testPOI) + `,"DisplayRequest":{}}}`), cond: "MessageFormat", has: "want PaymentRequest"},
		{name: "two bodies", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Payment", "Request", "1", testPOI) + `,"PaymentRequest":{},"DisplayRequest":{}}}`), cond: "MessageFormat", has: "2 message bodies"},
		{name: "no ServiceID", msg: raw(string(plainRequest("Payment", "", goodPayment))), cond: "MessageFormat", has: "ServiceID missing"},
		{name: "ServiceID with control character", msg: raw(string(plainRequest("Payment", "1\u0007", goodPayment))), cond: "MessageFormat", has: "printable"},
		{name: "MessageType Response", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Payment", "Response", "1", testPOI) + `,"PaymentRequest":` + goodPayment + `}}`), cond: "MessageFormat", has: "MessageType"},
		{name: "wrong POIID", msg: raw(`{"SaleToPOIRequest":{"MessageHeader":` + header("Payment", "Request", "1", "PT9-9999") + `,"PaymentRequest":` + goodPayment + `}}`), cond: "NotAllowed", has: "another terminal"},
		{name: "wrong HMAC", msg: func(t *testing.T) []byte {
			return mutate(t, sealed(t), func(m map[string]any) {
				mac, _ := base64.StdEncoding.DecodeString(trailer(m)["Hmac"].(string))
				mac[0] ^= 1
				trailer(m)["Hmac"] = base64.StdEncoding.EncodeToString(mac)
			})
		}, cond: "NotAllowed", has: "authentication failed"},
		{name: "tampered NexoBlob", msg: func(t *testing.T) []byte {
			return mutate(t, sealed(t), func(m map[string]any) {
				blob, _ := base64.StdEncoding.DecodeString(m["NexoBlob"].(string))
				blob[len(blob)/2] ^= 0x40
				m["NexoBlob"] = base64.StdEncoding.EncodeToString(blob)
			})
		}, cond: "NotAllowed", has: "authentication failed"},
		{name: "unknown KeyIdentifier", msg: func(t *testing.T) []byte { return encrypt(t, plainRequest("Payment", "1", goodPayment), otherKey) },
			cond: "NotAllowed", has: "unknown KeyIdentifier"},
		{name: "unknown KeyVersion", msg: func(t *testing.T) []byte { return encrypt(t, plainRequest("Payment", "1", goodPayment), newVersion) },
			cond: "NotAllowed", has: "version 2"},
		{name: "wrong passphrase", msg: func(t *testing.T) []byte { return encrypt(t, plainRequest("Payment", "1", goodPayment), wrongPass) },
			cond: "NotAllowed", has: "authentication failed"},
		{name: "unknown AdyenCryptoVersion", msg: func(t *testing.T) []byte {
			return mutate(t, sealed(t), func(m map[string]any) { trailer(m)["AdyenCryptoVersion"] = 7 })
		}, cond: "NotAllowed", has: "AdyenCryptoVersion 7"},
		{name: "NexoBlob without trailer", msg: func(t *testing.T) []byte {
			return mutate(t, sealed(t), func(m map[string]any) { delete(m, "SecurityTrailer") })
		}, cond: "MessageFormat", has: "without SecurityTrailer"},
		{name: "outer header differs from the encrypted one", msg: func(t *testing.T) []byte {
			return mutate(t, sealed(t), func(m map[string]any) { m["MessageHeader"].(map[string]any)["ServiceID"] = "2" })
		}, cond: "MessageFormat", has: "differs", encrypted: true},
		{name: "plain when plaintext is not allowed", encryptedOnly: true, msg: raw(string(plainRequest("Payment", "1", goodPayment))), cond: "NotAllowed", has: "requires encrypted"},
		{name: "too many lines", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", fmt.Sprint(order.MaxLines+1), manyItems(order.MaxLines+1))))), cond: "MessageFormat", has: "too many lines"},
		{name: "negative amounts", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", "-2.40", `{"ItemID":1,"ProductLabel":"x","UnitPrice":-1.20,"Quantity":2,"ItemAmount":-2.40}`)))), cond: "MessageFormat", has: "negative"},
		{name: "total does not match lines", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", "2.41", bread)))), cond: "MessageFormat", has: "do not sum", shown: true},
		{name: "line amount does not match", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", "2.50", `{"ItemID":1,"ProductLabel":"x","UnitPrice":1.20,"Quantity":2,"ItemAmount":2.50}`)))), cond: "MessageFormat", has: "quantity × unit price", shown: true},
		{name: "unknown currency", msg: raw(string(plainRequest("Payment", "1", paymentBody("XTS", "2.40", bread)))), cond: "MessageFormat", has: "unknown currency"},
		{name: "too many decimals", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", "2.401", bread)))), cond: "MessageFormat", has: "decimal places"},
		{name: "amount is a word", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", `"ten"`, bread)))), cond: "MessageFormat", has: "PaymentRequest"},
		{name: "amount is a bool", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", `true`, bread)))), cond: "MessageFormat", has: "RequestedAmount"},
		{name: "no amount", msg: raw(string(plainRequest("Payment", "1", `{"SaleData":{"SaleTransactionID":{"TransactionID":"T"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR"},"SaleItem":[`+bread+`]}}`))), cond: "MessageFormat", has: "RequestedAmount missing"},
		{name: "no TransactionID", msg: raw(string(plainRequest("Payment", "1", `{"SaleData":{},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.40},"SaleItem":[`+bread+`]}}`))), cond: "MessageFormat", has: "TransactionID missing"},
		{name: "SaleItem not a list", msg: raw(string(plainRequest("Payment", "1", `{"SaleData":{"SaleTransactionID":{"TransactionID":"T"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":1},"SaleItem":{}}}`))), cond: "MessageFormat", has: "SaleItem"},
		{name: "acquisition without currency", msg: raw(string(plainRequest("CardAcquisition", "1", `{"SaleData":{"SaleTransactionID":{"TransactionID":"T"}},"CardAcquisitionTransaction":{"TotalAmount":2.40,"SaleItem":[`+bread+`]}}`))), cond: "MessageFormat", has: "unknown currency"},
		{name: "input other than GetConfirmation", msg: raw(string(plainRequest("Input", "1", `{"DisplayOutput":{"Device":"CustomerDisplay","InfoQualify":"Display","OutputContent":{"OutputFormat":"Text","OutputText":[{"Text":"Name?"}]}},"InputData":{"Device":"CustomerInput","InfoQualify":"Input","InputCommand":"TextString"}}`))), cond: "UnavailableService", has: "only GetConfirmation"},
		{name: "input without question", msg: raw(string(plainRequest("Input", "1", `{"InputData":{"InputCommand":"GetConfirmation"}}`))), cond: "MessageFormat", has: "nothing to display"},
		{name: "input time negative", msg: raw(string(plainRequest("Input", "1", `{"DisplayOutput":{"OutputContent":{"OutputText":[{"Text":"OK?"}]}},"InputData":{"InputCommand":"GetConfirmation","MaxInputTime":-1}}`))), cond: "MessageFormat", has: "MaxInputTime"},
		{name: "display of nothing", msg: raw(string(plainRequest("Display", "1", `{"DisplayOutput":[{"Device":"CustomerDisplay","InfoQualify":"Display","OutputContent":{"OutputFormat":"Text"}}]}`))), cond: "MessageFormat", has: "nothing to display"},
		{name: "display without outputs", msg: raw(string(plainRequest("Display", "1", `{"DisplayOutput":[]}`))), cond: "MessageFormat", has: "0 DisplayOutputs"},
		{name: "abort of another sale", msg: raw(string(plainRequest("Abort", "1", `{"AbortReason":"x","MessageReference":{"MessageCategory":"Payment","SaleID":"POS2","ServiceID":"1"}}`))), cond: "NotAllowed", body: "AbortResponse", has: "only its own SaleID"},
		{name: "status of another sale", msg: raw(string(plainRequest("TransactionStatus", "1", `{"MessageReference":{"SaleID":"POS2","ServiceID":"1"}}`))), cond: "NotAllowed", has: "only about its own SaleID"},
		{name: "over the size cap", msg: raw(string(plainRequest("Payment", "1", paymentBody("EUR", "1", `{"ItemID":1,"ProductLabel":"`+strings.Repeat("x", poslink.DefaultMaxBody)+`","ItemAmount":1}`)))), rejected: true, has: "too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(c *poslink.ServerConfig) { c.AllowPlaintext = !tt.encryptedOnly })
			out := r.send(tt.msg(t))
			// Amounts that do not add up reach the Terminal so the customer
			// sees the order refused (the fake Terminal approves anything:
			// the reply must be a Failure all the same); nothing else does.
			if calls := r.term.Calls(); len(calls) != 0 && !tt.shown {
				t.Errorf("terminal called: %+v", calls)
			}
			if tt.rejected {
				checkReject(t, out, tt.has)
				return
			}
			rep := parseReply(t, out, r.keys)
			if rep.Encrypted != tt.encrypted {
				t.Errorf("reply encrypted = %v, want %v", rep.Encrypted, tt.encrypted)
			}
			if rep.Header.MessageType != "Response" || rep.Header.SaleID != testSale {
				t.Errorf("reply header %+v", rep.Header)
			}
			wantBody := tt.body
			if wantBody == "" {
				wantBody = rep.Header.MessageCategory + "Response"
			}
			if rep.Name != wantBody {
				t.Errorf("reply body %s, want %s", rep.Name, wantBody)
			}
			resp := rep.response(t)
			if resp.Result != "Failure" || resp.ErrorCondition != tt.cond {
				t.Errorf("Response %+v, want Failure %s", resp, tt.cond)
			}
			if msg := rep.message(t); !strings.Contains(msg, tt.has) {
				t.Errorf("message %q does not contain %q", msg, tt.has)
			}
		})
	}
}

func raw(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }

// checkReject checks an EventNotification Reject.
func checkReject(t *testing.T, out []byte, has string) {
	t.Helper()
	var ev struct {
		SaleToPOIRequest struct {
			MessageHeader     poslink.MessageHeader
			EventNotification poslink.EventNotification
		}
	}
	if err := json.Unmarshal(out, &ev); err != nil {
		t.Fatalf("reject is not JSON: %v: %s", err, out)
	}
	h, n := ev.SaleToPOIRequest.MessageHeader, ev.SaleToPOIRequest.EventNotification
	if h.MessageCategory != "Event" || h.MessageType != "Notification" || h.POIID != testPOI || n.EventToNotify != "Reject" {
		t.Fatalf("not a Reject notification: %s", out)
	}
	if msg := poslink.ParseAdditional(n.EventDetails).Get("message"); !strings.Contains(msg, has) {
		t.Errorf("reject message %q does not contain %q", msg, has)
	}
}

func TestPaymentApproved(t *testing.T) {
	r := newRig(t)
	o := testOrder(3)
	res, err := r.client.Payment(bg, testSale, "1", o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approved || res.Reference != "REF-1" || res.Hash != o.Hash() || res.Condition != "" {
		t.Fatalf("result %+v", res)
	}
	calls := r.term.Calls()
	if len(calls) != 1 || calls[0].Method != "Payment" {
		t.Fatalf("calls %+v", calls)
	}
	wantCall := poslink.Call{SaleID: testSale, ServiceID: "1", POIID: testPOI, Key: "payterm-test/1", TransactionID: o.ID}
	if calls[0].Call != wantCall || !reflect.DeepEqual(calls[0].Order, o) {
		t.Fatalf("terminal got %+v", calls[0])
	}
}

func TestPaymentReplyShape(t *testing.T) {
	msg := plainRequest("Payment", "1", paymentBody("EUR", "12.50", `{"ItemID":1,"ProductCode":"1","ProductLabel":"Wine","Quantity":1,"UnitOfMeasure":"Litre","UnitPrice":12.5,"ItemAmount":12.50}`))
	for _, encrypted := range []bool{false, true} {
		r := newRig(t)
		in := msg
		if encrypted {
			in = encrypt(t, msg, testKey)
		}
		rep := parseReply(t, r.send(in), r.keys)
		if rep.Encrypted != encrypted {
			t.Errorf("reply encrypted = %v for encrypted = %v", rep.Encrypted, encrypted)
		}
		want := poslink.MessageHeader{ProtocolVersion: "3.0", MessageClass: "Service", MessageCategory: "Payment",
			MessageType: "Response", ServiceID: "1", SaleID: testSale, POIID: testPOI}
		if rep.Header != want || rep.Name != "PaymentResponse" {
			t.Fatalf("header %+v body %s", rep.Header, rep.Name)
		}
		var p poslink.PaymentResponse
		if err := json.Unmarshal(rep.Body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Response.Result != "Success" || p.SaleData.SaleTransactionID.TransactionID != "TX-1" ||
			p.PaymentResult.AmountsResp.AuthorizedAmount != "12.50" || p.PaymentResult.AmountsResp.Currency != "EUR" ||
			p.PaymentResult.PaymentAcquirerData.AcquirerTransactionID.TransactionID != "REF-1" ||
			p.POIData.POITransactionID.TimeStamp != "2026-05-08T14:25:15.000Z" {
			t.Errorf("reply %s", rep.Body)
		}
	}
}

func TestPaymentDeclined(t *testing.T) {
	r := newRig(t)
	r.term.PaymentFunc = func(_ context.Context, _ poslink.Call, o order.Order) poslink.Result {
		return poslink.Result{Condition: "Refusal", Reason: "insufficient funds", Hash: o.Hash()}
	}
	res, err := r.client.Payment(bg, testSale, "1", testOrder(1))
	if err != nil {
		t.Fatal(err)
	}
	if res.Approved || res.Condition != "Refusal" || res.Reason != "insufficient funds" {
		t.Fatalf("result %+v", res)
	}
	r.term.PaymentFunc = func(context.Context, poslink.Call, order.Order) poslink.Result { return poslink.Result{} }
	if res, _ := r.client.Payment(bg, testSale, "2", testOrder(1)); res.Approved || res.Condition != "Refusal" {
		t.Fatalf("refusal without condition: %+v", res)
	}
}

func TestAcquire(t *testing.T) {
	o := testOrder(2)
	tests := []struct {
		name     string
		result   func(order.Order) poslink.Result
		approved bool
		method   string
		cond     string
	}{
		{"code", nil, true, "code", ""},
		{"face", func(o order.Order) poslink.Result {
			return poslink.Result{Approved: true, Hash: o.Hash(), Method: "face", Code: "face-token-123456789", Signature: "s"}
		}, true, "face", ""},
		{"cancelled", func(order.Order) poslink.Result { return poslink.Result{} }, false, "", "Cancel"},
		{"withheld: no hash", func(order.Order) poslink.Result {
			return poslink.Result{Approved: true, Method: "code", Code: poslinktest.DefaultCode}
		}, false, "", "UnavailableService"},
		{"withheld: other order", func(order.Order) poslink.Result {
			other := testOrder(5)
			return poslink.Result{Approved: true, Hash: other.Hash(), Method: "code", Code: poslinktest.DefaultCode}
		}, false, "", "UnavailableService"},
		{"withheld: unknown method", func(o order.Order) poslink.Result {
			return poslink.Result{Approved: true, Hash: o.Hash(), Method: "iris", Code: poslinktest.DefaultCode}
		}, false, "", "UnavailableService"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.result != nil {
				r.term.AcquireFunc = func(_ context.Context, _ poslink.Call, o order.Order) poslink.Result { return tt.result(o) }
			}
			res, err := r.client.Acquire(bg, testSale, "1", o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Approved != tt.approved || res.Method != tt.method || res.Condition != tt.cond {
				t.Fatalf("result %+v", res)
			}
			if tt.approved && (res.Hash != o.Hash() || res.Code == "" || res.Signature == "") {
				t.Fatalf("credential %+v", res)
			}
			if !tt.approved && res.Code != "" {
				t.Fatalf("credential leaked: %+v", res)
			}
			// Decrypted, to look at the bytes: a withheld code never appears.
			key := testKey
			out := parseReply(t, r.send(r.capture(&key, func(c *poslink.Client) error { _, err := c.Acquire(bg, testSale, "2", o); return err })), r.keys).Body
			if !tt.approved && bytes.Contains(out, []byte(poslinktest.DefaultCode)) {
				t.Fatalf("withheld credential in reply: %s", out)
			}
		})
	}
}

func TestAcquireFlaggedLines(t *testing.T) {
	r := newRig(t)
	r.term.AcquireFunc = func(context.Context, poslink.Call, order.Order) poslink.Result {
		return poslink.Result{Condition: "Cancel", Reason: "customer reported wrong items", Flagged: []string{"2", "3"}}
	}
	res, err := r.client.Acquire(bg, testSale, "1", testOrder(3))
	if err != nil {
		t.Fatal(err)
	}
	if res.Approved || !reflect.DeepEqual(res.Flagged, []string{"2", "3"}) || res.Reason != "customer reported wrong items" {
		t.Fatalf("result %+v", res)
	}
	rep := parseReply(t, r.send(encrypt(t, plainRequest("CardAcquisition", "2",
		`{"SaleData":{"SaleTransactionID":{"TransactionID":"T"}},"CardAcquisitionTransaction":{"TotalAmount":2.40,"Currency":"EUR","SaleItem":[`+bread+`]}}`), testKey)), r.keys)
	if add := rep.response(t).AdditionalResponse; !strings.Contains(add, "flagged=2,3") {
		t.Fatalf("AdditionalResponse %q", add)
	}
}

func TestOutcomeAndDisplay(t *testing.T) {
	r := newRig(t)
	if err := r.client.Outcome(bg, testSale, "1", poslink.RelayOutcome{Session: "S1", Approved: true, Reason: "Paid"}); err != nil {
		t.Fatal(err)
	}
	if err := r.client.Outcome(bg, testSale, "2", poslink.RelayOutcome{Session: "S2", Reason: "Card declined"}); err != nil {
		t.Fatal(err)
	}
	if err := r.client.Display(bg, testSale, "3", "Welcome"); err != nil {
		t.Fatal(err)
	}
	calls := r.term.Calls()
	want := []poslinktest.Call{
		{Method: "Outcome", Approved: true, Text: "Paid", Session: "S1"},
		{Method: "Outcome", Approved: false, Text: "Card declined", Session: "S2"},
		{Method: "Display", Text: "Welcome"},
	}
	if len(calls) != len(want) {
		t.Fatalf("calls %+v", calls)
	}
	for i := range want {
		if calls[i].Method != want[i].Method || calls[i].Approved != want[i].Approved || calls[i].Text != want[i].Text ||
			calls[i].Session != want[i].Session || calls[i].Call.Key != testKey.KeyIdentifier+"/1" {
			t.Errorf("call %d = %+v, want %+v", i, calls[i], want[i])
		}
	}

	r.term.OutcomeFunc = func(context.Context, poslink.Call, poslink.RelayOutcome) error {
		return &poslink.ConditionError{Condition: "NotAllowed", Reason: "no payment awaits an outcome"}
	}
	var re *poslink.ResponseError
	err := r.client.Outcome(bg, testSale, "4", poslink.RelayOutcome{Session: "S1", Approved: true})
	if !errors.As(err, &re) || re.Condition != "NotAllowed" || re.Reason != "no payment awaits an outcome" {
		t.Fatalf("err = %v", err)
	}
	r.term.DisplayFunc = func(context.Context, poslink.Call, string) error { return errors.New("customer session running") }
	err = r.client.Display(bg, testSale, "5", "Hi")
	if !errors.As(err, &re) || re.Condition != "Busy" || re.Reason != "customer session running" {
		t.Fatalf("err = %v", err)
	}
}

func TestConfirm(t *testing.T) {
	r := newRig(t)
	var deadline bool
	r.term.ConfirmFunc = func(ctx context.Context, _ poslink.Call, text string) (bool, error) {
		_, deadline = ctx.Deadline()
		return text == "Join our loyalty programme?", nil
	}
	ok, err := r.client.Confirm(bg, testSale, "1", "Join our loyalty programme?", 30*time.Second)
	if err != nil || !ok || !deadline {
		t.Fatalf("Confirm = %v, %v; deadline set %v", ok, err, deadline)
	}
	ok, err = r.client.Confirm(bg, testSale, "2", "Something else?", 0)
	if err != nil || ok || deadline {
		t.Fatalf("Confirm = %v, %v; deadline set %v", ok, err, deadline)
	}
	r.term.ConfirmFunc = func(ctx context.Context, _ poslink.Call, _ string) (bool, error) {
		return false, context.DeadlineExceeded
	}
	var re *poslink.ResponseError
	if _, err := r.client.Confirm(bg, testSale, "3", "Q?", time.Second); !errors.As(err, &re) || re.Condition != "Cancel" {
		t.Fatalf("timeout: %v", err)
	}
}

func TestRepeatAnsweredFromStore(t *testing.T) {
	r := newRig(t)
	msg := encrypt(t, plainRequest("Payment", "7", goodPayment), testKey)
	first := r.send(msg)
	again := r.send(msg)
	if !bytes.Equal(first, again) {
		t.Fatal("repeat answered differently")
	}
	// The same request re-encrypted (new nonce) is still a repeat.
	third := r.send(encrypt(t, plainRequest("Payment", "7", goodPayment), testKey))
	if !bytes.Equal(first, third) {
		t.Fatal("re-encrypted repeat answered differently")
	}
	if n := r.term.Count("Payment"); n != 1 {
		t.Fatalf("terminal ran the payment %d times", n)
	}
	if rep := parseReply(t, third, r.keys); rep.response(t).Result != "Success" {
		t.Fatalf("repeat: %s", rep.Body)
	}
}

func TestDuplicateServiceID(t *testing.T) {
	r := newRig(t)
	if _, err := r.client.Payment(bg, testSale, "7", testOrder(1)); err != nil {
		t.Fatal(err)
	}
	res, err := r.client.Payment(bg, testSale, "7", testOrder(2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Approved || res.Condition != "NotAllowed" || !strings.Contains(res.Reason, "duplicate ServiceID") {
		t.Fatalf("result %+v", res)
	}
	// Same ServiceID, other category: also a duplicate.
	var re *poslink.ResponseError
	if err := r.client.Display(bg, testSale, "7", "x"); !errors.As(err, &re) || re.Condition != "NotAllowed" {
		t.Fatalf("display with a used ServiceID: %v", err)
	}
	if r.term.Count("Payment") != 1 || r.term.Count("Display") != 0 {
		t.Fatalf("calls %+v", r.term.Calls())
	}
}

// startBlockingPayment starts a Payment that blocks in the terminal until
// its context ends, and waits until it is there.
func startBlockingPayment(t *testing.T, r *rig, c *poslink.Client, serviceID string, o order.Order) <-chan poslink.Result {
	t.Helper()
	entered := make(chan poslink.Call, 1)
	r.term.PaymentFunc = poslinktest.Blocking(entered)
	done := make(chan poslink.Result, 1)
	go func() {
		res, err := c.Payment(bg, testSale, serviceID, o)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	<-entered
	return done
}

func TestAbortEndsBlockingPayment(t *testing.T) {
	r := newRig(t)
	done := startBlockingPayment(t, r, r.client, "1", testOrder(2))
	if err := r.client.Abort(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"}, "cashier cancelled"); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Approved || res.Condition != "Aborted" || res.Reason != "cashier cancelled" {
		t.Fatalf("aborted payment: %+v", res)
	}
	var abort *poslinktest.Call
	for _, c := range r.term.Calls() {
		if c.Method == "Abort" {
			abort = &c
		}
	}
	if abort == nil || abort.Call.SaleID != testSale || abort.Text != "cashier cancelled" {
		t.Fatalf("terminal abort: %+v", abort)
	}
	st, err := r.client.TransactionStatus(bg, testSale, "3", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"})
	if err != nil || st.Response.Result != "Success" || st.Result.Condition != "Aborted" {
		t.Fatalf("status after abort: %+v, %v", st, err)
	}
}

func TestAbortOfAnotherServiceIDLeavesPaymentRunning(t *testing.T) {
	r := newRig(t)
	ctxs := make(chan context.Context, 1)
	r.term.PaymentFunc = func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
		ctxs <- ctx
		<-ctx.Done()
		return poslink.Result{}
	}
	hangUp, cancel := context.WithCancel(bg)
	done := make(chan poslink.Result, 1)
	go func() {
		res, _ := r.client.Payment(hangUp, testSale, "1", testOrder(1))
		done <- res
	}()
	ctx := <-ctxs
	if err := r.client.Abort(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "9"}, ""); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("abort of ServiceID 9 ended the payment of ServiceID 1")
	}
	// The POS hanging up ends it; the answer is still stored.
	cancel()
	if res := <-done; res.Condition != "Aborted" || res.Reason != "the POS request ended" {
		t.Fatalf("after hang-up: %+v", res)
	}
	st, err := r.client.TransactionStatus(bg, testSale, "3", poslink.MessageReference{ServiceID: "1"})
	if err != nil || st.Response.Result != "Success" || st.Category != "Payment" {
		t.Fatalf("status after hang-up: %+v, %v", st, err)
	}
}

func TestRepeatWhileRunningIsInProgress(t *testing.T) {
	r := newRig(t)
	o := testOrder(1)
	done := startBlockingPayment(t, r, r.client, "1", o)
	res, err := r.client.Payment(bg, testSale, "1", o)
	if err != nil || res.Condition != "InProgress" {
		t.Fatalf("repeat while running: %+v, %v", res, err)
	}
	st, err := r.client.TransactionStatus(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"})
	if err != nil || st.Response.Result != "Failure" || st.Response.ErrorCondition != "InProgress" {
		t.Fatalf("status while running: %+v, %v", st, err)
	}
	r.client.Abort(bg, testSale, "3", poslink.MessageReference{}, "")
	<-done
}

func TestTransactionStatus(t *testing.T) {
	r := newRig(t)
	o := testOrder(2)
	paid, err := r.client.Payment(bg, testSale, "1", o)
	if err != nil {
		t.Fatal(err)
	}
	acq, err := r.client.Acquire(bg, testSale, "2", o)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		client   *poslink.Client
		ref      poslink.MessageReference
		result   string
		cond     string
		category string
		want     poslink.Result
	}{
		{"payment", r.client, poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"}, "Success", "", "Payment", paid},
		{"acquisition", r.client, poslink.MessageReference{MessageCategory: "CardAcquisition", ServiceID: "2"}, "Success", "", "CardAcquisition", acq},
		{"latest", r.client, poslink.MessageReference{}, "Success", "", "CardAcquisition", acq},
		{"unknown", r.client, poslink.MessageReference{MessageCategory: "Payment", ServiceID: "99"}, "Failure", "NotFound", "", poslink.Result{}},
		{"wrong category", r.client, poslink.MessageReference{MessageCategory: "CardAcquisition", ServiceID: "1"}, "Failure", "NotFound", "", poslink.Result{}},
		{"plain query of encrypted answer", r.plain, poslink.MessageReference{ServiceID: "2"}, "Failure", "NotFound", "", poslink.Result{}},
		{"plain query of the latest", r.plain, poslink.MessageReference{}, "Failure", "NotFound", "", poslink.Result{}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := tt.client.TransactionStatus(bg, testSale, fmt.Sprint(100+i), tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if st.Response.Result != tt.result || st.Response.ErrorCondition != tt.cond || st.Category != tt.category {
				t.Fatalf("status %+v", st)
			}
			if !reflect.DeepEqual(st.Result, tt.want) {
				t.Fatalf("repeated result %+v, want %+v", st.Result, tt.want)
			}
		})
	}
	if r.term.Count("Payment") != 1 || r.term.Count("Acquire") != 1 {
		t.Fatalf("status re-ran requests: %+v", r.term.Calls())
	}
}

func TestRestartAnswersFromStore(t *testing.T) {
	r := newRig(t)
	msg := encrypt(t, plainRequest("Payment", "1", goodPayment), testKey)
	before := r.send(msg)
	r.restart()
	after := r.send(msg)
	if !bytes.Equal(before, after) {
		t.Fatal("repeat after restart answered differently")
	}
	if n := r.term.Count("Payment"); n != 1 {
		t.Fatalf("payment ran %d times", n)
	}
}

func TestRestartMidPaymentIsInterrupted(t *testing.T) {
	r := newRig(t)
	o := testOrder(1)
	hangUp, cancel := context.WithCancel(bg)
	defer cancel()
	entered := make(chan poslink.Call, 1)
	r.term.PaymentFunc = poslinktest.Blocking(entered)
	oldSrv := r.srv
	go oldSrv.HandleMessage(hangUp, r.capture(&testKey, func(c *poslink.Client) error {
		_, err := c.Payment(bg, testSale, "1", o)
		return err
	}))
	<-entered
	r.restart() // the "crash": the entry is left running
	cancel()

	st, err := r.client.TransactionStatus(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	// Until the terminal has found out what became of it: in progress.
	add := poslink.ParseAdditional(st.Response.AdditionalResponse)
	if st.Response.Result != "Failure" || st.Response.ErrorCondition != "InProgress" || add.Get("state") != "interrupted" {
		t.Fatalf("status of interrupted payment: %+v", st.Response)
	}
	r.term.PaymentFunc = nil
	res, err := r.client.Payment(bg, testSale, "1", o) // the POS repeats it
	if err != nil || res.Approved || res.Condition != "InProgress" {
		t.Fatalf("repeat of interrupted payment: %+v, %v", res, err)
	}
	if n := r.term.Count("Payment"); n != 1 {
		t.Fatalf("interrupted payment re-run: %d calls", n)
	}
	open, err := r.srv.InterruptedPayments()
	if err != nil || len(open) != 1 || open[0].ServiceID != "1" {
		t.Fatalf("interrupted payments %+v, %v", open, err)
	}
	// Settled, it answers with the terminal's final result, sealed for
	// the POS that asked, and is no longer interrupted.
	final := poslink.Result{Approved: true, Hash: o.Hash(), Reference: "SBX0000000000000001", Ref: "PT1-o1-1"}
	if err := r.srv.Settle(testSale, "1", final, o.Currency.Code, o.Total); err != nil {
		t.Fatal(err)
	}
	res, err = r.client.Payment(bg, testSale, "1", o)
	if err != nil || !res.Approved || res.Reference != final.Reference || res.Ref != final.Ref {
		t.Fatalf("repeat after settling: %+v, %v", res, err)
	}
	if open, _ := r.srv.InterruptedPayments(); len(open) != 0 {
		t.Fatalf("still interrupted after settling: %+v", open)
	}
}

func TestServiceIDReusableAfter48h(t *testing.T) {
	r := newRig(t)
	r.client.Payment(bg, testSale, "1", testOrder(1))
	r.clk.Advance(poslink.DefaultServiceIDTTL)
	res, err := r.client.Payment(bg, testSale, "1", testOrder(2))
	if err != nil || !res.Approved {
		t.Fatalf("reuse after 48 h: %+v, %v", res, err)
	}
	if n := r.term.Count("Payment"); n != 2 {
		t.Fatalf("%d payments", n)
	}
}

func TestAbortHasNoReply(t *testing.T) {
	r := newRig(t)
	out := r.send(plainRequest("Abort", "1", `{"AbortReason":"MerchantAbort","MessageReference":{"MessageCategory":"Payment","SaleID":"POS1","ServiceID":"0"}}`))
	if out != nil {
		t.Fatalf("abort reply %s", out)
	}
	if r.term.Count("Abort") != 1 {
		t.Fatal("terminal not told")
	}
}

func TestNilTerminalAndStoreRefuseInsteadOfPanicking(t *testing.T) {
	srv := poslink.NewServer(poslink.ServerConfig{POIID: testPOI, AllowPlaintext: true}, nil, nil, nil)
	for _, msg := range [][]byte{
		plainRequest("Payment", "1", goodPayment),
		plainRequest("TransactionStatus", "2", `{}`),
	} {
		rep := parseReply(t, srv.HandleMessage(bg, msg), nil)
		if resp := rep.response(t); resp.Result != "Failure" || resp.ErrorCondition != "UnavailableService" {
			t.Errorf("%s: %+v", rep.Name, resp)
		}
	}
	if out := srv.HandleMessage(bg, plainRequest("Abort", "3", `{"AbortReason":"x","MessageReference":{}}`)); out != nil {
		t.Errorf("abort: %s", out)
	}
}
