package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/pos"
)

// devKey is the link key the terminal accepts in tests.
func devKey() poslink.SecurityKey {
	return poslink.SecurityKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: devPassphrase}
}

// nexoReply is what the terminal answered to a raw request.
type nexoReply struct {
	Status    int    // HTTP status
	Result    string // nexo Result; "" when the answer was not a nexo response
	Condition string // nexo ErrorCondition
	Message   string // AdditionalResponse message, or the HTTP body when not 200
}

// postNexo posts body to the terminal's /nexo as a POS would and reads
// the answer, decrypting it under the dev key when it is encrypted.
func (s *system) postNexo(body []byte) nexoReply {
	s.t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the dev certificate
	}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post(s.Nexo, "application/json", bytes.NewReader(body))
	if err != nil {
		s.t.Fatalf("POST /nexo: %v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("POST /nexo: read: %v", err)
	}
	r := nexoReply{Status: resp.StatusCode}
	if resp.StatusCode != http.StatusOK {
		r.Message = strings.TrimSpace(string(data))
		return r
	}
	keys, err := poslink.NewKeys(devKey())
	if err != nil {
		s.t.Fatal(err)
	}
	plain, err := poslink.DecryptMessage(data, keys)
	if err != nil {
		s.t.Fatalf("reply does not open under the dev key: %v\n%s", err, data)
	}
	var env struct {
		SaleToPOIResponse map[string]json.RawMessage
	}
	if err := json.Unmarshal(plain, &env); err != nil || env.SaleToPOIResponse == nil {
		s.t.Fatalf("reply is not a SaleToPOIResponse: %v\n%s", err, plain)
	}
	for name, raw := range env.SaleToPOIResponse {
		if name == "MessageHeader" {
			continue
		}
		var body struct{ Response poslink.Response }
		if err := json.Unmarshal(raw, &body); err != nil {
			s.t.Fatalf("reply %s: %v", name, err)
		}
		r.Result, r.Condition = body.Response.Result, body.Response.ErrorCondition
		r.Message = poslink.ParseAdditional(body.Response.AdditionalResponse).Get(poslink.AddMessage)
	}
	return r
}

// paymentRequest is the request the POS library sends for a Payment of o
// under ServiceID svc, sealed under key: the bytes a real POS would post.
func paymentRequest(t *testing.T, key poslink.SecurityKey, svc string, o order.Order) []byte {
	t.Helper()
	var sent []byte
	errCaptured := errors.New("captured")
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: devPOIID, Key: &key,
		Transport: func(_ context.Context, req []byte) ([]byte, error) { sent = req; return nil, errCaptured }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Payment(context.Background(), "POS-TEST", svc, o); !errors.Is(err, errCaptured) {
		t.Fatalf("building the request: %v", err)
	}
	return sent
}

// tampered is paymentRequest with the plain message changed by edit
// before it is sealed again under the dev key: a POS that means what it
// sends, and sends something wrong. edit gets the decoded message with
// numbers kept as written.
func tampered(t *testing.T, svc string, o order.Order, edit func(msg map[string]any)) []byte {
	t.Helper()
	keys, err := poslink.NewKeys(devKey())
	if err != nil {
		t.Fatal(err)
	}
	plain, err := poslink.DecryptMessage(paymentRequest(t, devKey(), svc, o), keys)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.UseNumber()
	var msg map[string]any
	if err := dec.Decode(&msg); err != nil {
		t.Fatal(err)
	}
	edit(msg)
	plain, err = json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := poslink.EncryptMessage(plain, devKey())
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// field walks a decoded message along keys and returns the object there.
func field(t *testing.T, msg map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := msg
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("message has no object at %s", strings.Join(keys, "."))
		}
		cur = next
	}
	return cur
}

// transaction is the PaymentTransaction of a decoded Payment request.
func transaction(t *testing.T, msg map[string]any) map[string]any {
	t.Helper()
	return field(t, msg, "SaleToPOIRequest", "PaymentRequest", "PaymentTransaction")
}

// manyItems returns n valid-looking SaleItems of 0.01 each.
func manyItems(n int) []any {
	items := make([]any, n)
	for i := range items {
		items[i] = map[string]any{"ItemID": json.Number(fmt.Sprint(i + 1)), "ProductLabel": "x", "ItemAmount": json.Number("0.01")}
	}
	return items
}

// readable says whether a message is text a cashier can read: not empty,
// one line of printable characters of sensible length.
func readable(msg string) bool {
	if strings.TrimSpace(msg) == "" || len(msg) > 500 {
		return false
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// TestBadInputOverHTTPS sends what a broken, confused or hostile POS might
// send over the live HTTPS link. Each gets a nexo Failure with an
// ErrorCondition and a readable reason (or, for what cannot be read as
// nexo at all, a readable HTTP error); the customer's screen stays idle;
// the ServiceID of a refused request is not kept, so the POS can reuse it
// for the corrected request; and a normal payment goes through after each.
func TestBadInputOverHTTPS(t *testing.T) {
	s := startSystem(t, nil)
	cust := s.Customer(10_000_000)
	o, err := pos.SampleOrder("T-BAD")
	if err != nil {
		t.Fatal(err)
	}
	wrongKey := devKey()
	wrongKey.Passphrase = "not-the-passphrase"
	unknownKey := devKey()
	unknownKey.KeyIdentifier = "nobody-knows-me"

	for _, tc := range []struct {
		name string
		body func(t *testing.T, svc string) []byte
		// want: HTTP status; for 200, the ErrorCondition; and a word the
		// readable message must hold.
		status int
		cond   string
		word   string
		// shown: the customer sees the order refused on screen (amounts
		// that do not add up); the request's ServiceID is then spent.
		shown bool
	}{
		{name: "truncated JSON", status: http.StatusBadRequest, word: "JSON",
			body: func(*testing.T, string) []byte {
				return []byte(`{"SaleToPOIRequest":{"MessageHeader":{"MessageClass":"Serv`)
			}},
		{name: "not JSON", status: http.StatusBadRequest, word: "JSON",
			body: func(*testing.T, string) []byte { return []byte("PAY 46.72 CNY PLEASE\n") }},
		{name: "empty body", status: http.StatusBadRequest, word: "JSON",
			body: func(*testing.T, string) []byte { return nil }},
		{name: "body of the wrong type", cond: poslink.CondMessageFormat, word: "SaleItem",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) { transaction(t, m)["SaleItem"] = map[string]any{"ItemID": 1} })
			}},
		{name: "wrong HMAC", cond: poslink.CondNotAllowed, word: "authentication",
			body: func(t *testing.T, svc string) []byte {
				var msg map[string]any
				if err := json.Unmarshal(paymentRequest(t, devKey(), svc, o), &msg); err != nil {
					t.Fatal(err)
				}
				tr := field(t, msg, "SaleToPOIRequest", "SecurityTrailer")
				mac, _ := base64.StdEncoding.DecodeString(tr["Hmac"].(string))
				mac[0] ^= 1
				tr["Hmac"] = base64.StdEncoding.EncodeToString(mac)
				b, _ := json.Marshal(msg)
				return b
			}},
		{name: "wrong passphrase", cond: poslink.CondNotAllowed, word: "authentication",
			body: func(t *testing.T, svc string) []byte { return paymentRequest(t, wrongKey, svc, o) }},
		{name: "unknown KeyIdentifier", cond: poslink.CondNotAllowed, word: "KeyIdentifier",
			body: func(t *testing.T, svc string) []byte { return paymentRequest(t, unknownKey, svc, o) }},
		{name: "another terminal's POIID", cond: poslink.CondNotAllowed, word: "another terminal",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) { field(t, m, "SaleToPOIRequest", "MessageHeader")["POIID"] = "PT9-9999" })
			}},
		{name: "oversized body", status: http.StatusRequestEntityTooLarge, word: "bytes",
			body: func(*testing.T, string) []byte {
				return []byte(`{"SaleToPOIRequest":{"pad":"` + strings.Repeat("A", poslink.DefaultMaxBody) + `"}}`)
			}},
		{name: "10 000 lines", cond: poslink.CondMessageFormat, word: "at most 500",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) {
					tx := transaction(t, m)
					tx["SaleItem"], tx["OrderDiscount"] = manyItems(10_000), nil
					field(t, tx, "AmountsReq")["RequestedAmount"] = json.Number("100.00")
				})
			}},
		{name: "501 lines", cond: poslink.CondMessageFormat, word: "at most 500",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) {
					tx := transaction(t, m)
					tx["SaleItem"], tx["OrderDiscount"] = manyItems(501), nil
					field(t, tx, "AmountsReq")["RequestedAmount"] = json.Number("5.01")
				})
			}},
		{name: "negative total", cond: poslink.CondMessageFormat, word: "negative",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) {
					field(t, transaction(t, m), "AmountsReq")["RequestedAmount"] = json.Number("-" + order.FormatAmount(o.Total, o.Currency))
				})
			}},
		{name: "total does not match the lines", cond: poslink.CondMessageFormat, word: "total", shown: true,
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) {
					field(t, transaction(t, m), "AmountsReq")["RequestedAmount"] = json.Number(order.FormatAmount(o.Total+1, o.Currency))
				})
			}},
		{name: "line amount is not quantity × price", cond: poslink.CondMessageFormat, word: "amount", shown: true,
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) {
					transaction(t, m)["SaleItem"].([]any)[0].(map[string]any)["ItemAmount"] = json.Number("9.01")
				})
			}},
		{name: "unknown currency", cond: poslink.CondMessageFormat, word: "currency",
			body: func(t *testing.T, svc string) []byte {
				return tampered(t, svc, o, func(m map[string]any) { field(t, transaction(t, m), "AmountsReq")["Currency"] = "ZZZ" })
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := s.t
			s.t = t // the helpers fail this subtest
			defer func() { s.t = parent }()
			svc := "bad-" + strings.NewReplacer(" ", "-", "×", "x").Replace(tc.name)
			before := s.Balance(cust.ID)
			r := s.postNexo(tc.body(t, svc))
			want := tc.status
			if want == 0 {
				want = http.StatusOK
			}
			t.Logf("HTTP %d %s %s: %s", r.Status, r.Result, r.Condition, r.Message)
			if r.Status != want {
				t.Fatalf("HTTP %d %q, want %d", r.Status, r.Message, want)
			}
			if want == http.StatusOK && (r.Result != poslink.ResultFailure || r.Condition != tc.cond) {
				t.Fatalf("answered %s %s %q, want Failure %s", r.Result, r.Condition, r.Message, tc.cond)
			}
			if !readable(r.Message) || !strings.Contains(strings.ToLower(r.Message), strings.ToLower(tc.word)) {
				t.Fatalf("message %q is not a readable reason mentioning %q", r.Message, tc.word)
			}
			if tc.shown {
				st := s.WaitScreen("refused")
				if !readable(st.Message) || st.Message == "" {
					t.Fatalf("refused screen says %q", st.Message)
				}
				s.Tap("dismiss", "")
				s.WaitScreen("idle")
				svc += "-next" // a request the terminal acted on keeps its ServiceID
			} else if st := s.State(); st.Phase != "idle" || st.Screen != "idle" {
				t.Fatalf("customer sees %s (phase %s, %q) after a refused request", st.Screen, st.Phase, st.Message)
			}
			if got := s.Balance(cust.ID); got != before {
				t.Fatalf("balance moved from %d to %d on a refused request", before, got)
			}
			// Still usable, and the refused ServiceID was not kept.
			a := s.Agent()
			a.NewServiceID = func() string { return svc }
			// A new sale: the same one again would be answered with its
			// first payment, not charged.
			next, err := pos.SampleOrder("T-BAD-" + svc)
			if err != nil {
				t.Fatal(err)
			}
			if out := s.payByCode(a, next, pos.Direct, s.Code(cust.ID)); !out.Paid {
				t.Fatalf("payment after the refused request: %+v", out)
			}
			if got, want := s.Balance(cust.ID), before-next.Total; got != want {
				t.Fatalf("balance %d after the next payment, want %d", got, want)
			}
			s.WaitScreen("paid")
			s.Tap("dismiss", "")
			s.WaitScreen("idle")
		})
	}
}

// TestBadInputClientSeesRefusal: the POS library itself turns a refusal
// for a wrong key into a Result the cashier can read, not an error.
func TestBadInputClientSeesRefusal(t *testing.T) {
	s := startSystem(t, nil)
	o, err := pos.SampleOrder("T-BAD-KEY")
	if err != nil {
		t.Fatal(err)
	}
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: devPOIID, Transport: poslink.NewHTTPSTransport(s.Nexo, nil, true),
		Key: &poslink.SecurityKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: "wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Payment(context.Background(), "POS-TEST", "wrong-key-1", o)
	if err != nil {
		t.Fatalf("Payment: %v", err)
	}
	if res.Approved || res.Condition != poslink.CondNotAllowed || !readable(res.Reason) {
		t.Fatalf("Payment under a wrong key: %+v, want NotAllowed with a reason", res)
	}
	if st := s.State(); st.Phase != "idle" {
		t.Fatalf("phase %s after a refused request", st.Phase)
	}
}

// TestBadInputDuplicateServiceID: a ServiceID reused for different content
// is refused and nothing runs; the same request repeated is answered from
// the store and charges nothing more.
func TestBadInputDuplicateServiceID(t *testing.T) {
	s := startSystem(t, nil)
	const balance = 100000
	cust := s.Customer(balance)
	o, err := pos.SampleOrder("T-DUP-1")
	if err != nil {
		t.Fatal(err)
	}
	// Fixed stamps, so the repeat is the same request byte for byte.
	stamp := time.Now()
	c := s.Client(poslink.NewHTTPSTransport(s.Nexo, nil, true), func() time.Time { return stamp })
	const svc = "dup-1"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type result struct {
		res poslink.Result
		err error
	}
	done := make(chan result, 1)
	go func() { r, err := c.Payment(ctx, "POS-TEST", svc, o); done <- result{r, err} }()
	s.WaitScreen("order")
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	s.Scan(s.Code(cust.ID), http.StatusOK)
	first := <-done
	if first.err != nil || !first.res.Approved || first.res.Reference == "" {
		t.Fatalf("first payment: %+v, %v", first.res, first.err)
	}
	s.WaitScreen("paid")
	s.Tap("dismiss", "")
	s.WaitScreen("idle")
	paid := s.Balance(cust.ID)
	if paid != balance-o.Total {
		t.Fatalf("balance %d, want %d", paid, balance-o.Total)
	}

	other, err := pos.SampleOrder("T-DUP-2")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Payment(ctx, "POS-TEST", svc, other)
	if err != nil {
		t.Fatalf("different request under a used ServiceID: %v", err)
	}
	if res.Approved || res.Condition != poslink.CondNotAllowed || !strings.Contains(res.Reason, "duplicate ServiceID") || !readable(res.Reason) {
		t.Fatalf("different request under a used ServiceID: %+v, want NotAllowed duplicate ServiceID", res)
	}
	if st := s.State(); st.Phase != "idle" {
		t.Fatalf("a refused duplicate started a session: phase %s", st.Phase)
	}

	again, err := c.Payment(ctx, "POS-TEST", svc, o)
	if err != nil || !again.Approved || again.Reference != first.res.Reference {
		t.Fatalf("repeat: %+v, %v; want the stored paid response (reference %s)", again, err, first.res.Reference)
	}
	if st := s.State(); st.Phase != "idle" {
		t.Fatalf("a repeat started a session: phase %s", st.Phase)
	}
	if got := s.Balance(cust.ID); got != paid {
		t.Fatalf("balance %d after the repeat, want %d: charged twice", got, paid)
	}
}

// TestBadInputCodes: in direct mode an expired payment code and a code
// already used fail with a reason the customer can read, charge nothing,
// and the terminal goes back to idle (the customer dismisses the result,
// or the cashier's next sale replaces it) and takes the next payment.
func TestBadInputCodes(t *testing.T) {
	s := startSystem(t, nil)
	const balance = 100000
	cust := s.Customer(balance)
	o, err := pos.SampleOrder("T-CODE-EXPIRED")
	if err != nil {
		t.Fatal(err)
	}

	expired := s.Code(cust.ID)
	s.Host.Clock.Advance(61 * time.Second) // codes live 60 s
	agent := s.Agent()
	done := payAsync(t, agent, o, pos.Direct)
	s.toCode()
	s.Scan(expired, http.StatusOK)
	out := waitPay(t, done)
	if out.Paid || out.Condition != poslink.CondRefusal || !strings.Contains(out.Reason, "expired") || !readable(out.Reason) {
		t.Fatalf("POS outcome %+v, want Refusal for an expired code", out)
	}
	st := s.WaitScreen("failed")
	if !strings.Contains(st.Message, "expired") || !readable(st.Message) || st.ScannerArmed {
		t.Fatalf("customer reads %q (scanner armed %v), want why the code failed", st.Message, st.ScannerArmed)
	}
	if got := s.Balance(cust.ID); got != balance {
		t.Fatalf("balance %d after an expired code, want %d", got, balance)
	}
	s.Tap("dismiss", "")
	s.WaitScreen("idle")

	code := s.Code(cust.ID)
	if out := s.payByCode(agent, o, pos.Direct, code); !out.Paid {
		t.Fatalf("payment with a fresh code: %+v", out)
	}
	paid := balance - o.Total
	if got := s.Balance(cust.ID); got != paid {
		t.Fatalf("balance %d, want %d", got, paid)
	}

	o2, err := pos.SampleOrder("T-CODE-REUSED")
	if err != nil {
		t.Fatal(err)
	}
	done = payAsync(t, agent, o2, pos.Direct)
	s.toCode()
	s.Scan(code, http.StatusOK) // the same code again
	out = waitPay(t, done)
	if out.Paid || out.Condition != poslink.CondRefusal || !strings.Contains(out.Reason, "already used") {
		t.Fatalf("POS outcome %+v, want Refusal for a used code", out)
	}
	st = s.WaitScreen("failed")
	if !strings.Contains(st.Message, "already used") || !readable(st.Message) {
		t.Fatalf("customer reads %q, want that the code was used", st.Message)
	}
	if got := s.Balance(cust.ID); got != paid {
		t.Fatalf("balance %d after a reused code, want %d", got, paid)
	}
	// The cashier tries again at once: the result screen gives way to the
	// new sale, which the customer pays with a fresh code.
	if out := s.payByCode(agent, o2, pos.Direct, s.Code(cust.ID)); !out.Paid {
		t.Fatalf("payment after a reused code: %+v", out)
	}
	if got, want := s.Balance(cust.ID), paid-o2.Total; got != want {
		t.Fatalf("balance %d, want %d", got, want)
	}
	s.WaitScreen("paid")
}

// toCode takes the customer from the order screen to the code screen.
func (s *system) toCode() {
	s.t.Helper()
	s.WaitScreen("order")
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
}

// payByCode runs one sale through the automation API: the customer
// confirms and shows code.
func (s *system) payByCode(a *pos.Agent, o order.Order, mode pos.Mode, code string) pos.Outcome {
	s.t.Helper()
	done := payAsync(s.t, a, o, mode)
	s.toCode()
	s.Scan(code, http.StatusOK)
	return waitPay(s.t, done)
}
