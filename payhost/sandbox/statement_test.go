package sandbox_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// keyFor is a test key other than the registered terminal's.
func keyFor(tag string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("sandbox statement test " + tag))
	return ed25519.NewKeyFromSeed(seed[:])
}

// signAs signs req as terminal id with key at at, after edit changes the
// statement (nil: none), so the signature is good over what was edited.
func signAs(req payhost.PayRequest, id string, key ed25519.PrivateKey, at time.Time, edit func(*payhost.Statement)) payhost.PayRequest {
	s := sandboxtest.Statement(req, id, key, at)
	if edit != nil {
		edit(&s)
	}
	req.Statement, req.Signature = &s, s.Sign(key)
	return req
}

// TestPayRefusesUnboundRequests: every request whose statement does not
// bind it is refused with its own reason, before any money moves; the
// refusal is not stored, so the real request under the same out_trade_no
// and with the same code still pays afterwards.
func TestPayRefusesUnboundRequests(t *testing.T) {
	const amount = 2350
	mine := sandboxtest.TerminalKey()
	stranger := keyFor("stranger")
	cases := []struct {
		name string
		// forge turns the honest request (order-1, code, amount, not yet
		// signed) into the one sent; spare is another code of the account.
		forge func(a api, honest payhost.PayRequest, spare string) payhost.PayRequest
		want  string
	}{
		{"missing statement", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			return r
		}, payhost.ReasonStatementMissing},
		{"statement without signature", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.Signature = ""
			return r
		}, payhost.ReasonStatementMissing},
		{"forged signature", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			// A stranger's key, claiming the terminal's key id.
			return signAs(r, sandboxtest.TerminalID, stranger, a.env.Clock.Now(), func(s *payhost.Statement) {
				s.KeyID = payhost.KeyIDOf(mine.Public().(ed25519.PublicKey))
			})
		}, payhost.ReasonSignatureInvalid},
		{"signature of another statement", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.Signature = a.env.Sign(r).Signature // same fields, another nonce
			return r
		}, payhost.ReasonSignatureInvalid},
		{"statement amount raised, signature kept", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			s := *r.Statement
			s.Amount, r.Amount = 9900, 9900
			r.Statement = &s
			return r
		}, payhost.ReasonSignatureInvalid},
		{"altered amount", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.Amount = 9900
			return r
		}, payhost.ReasonStatementAmount},
		{"lowered amount", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.Amount = 1
			return r
		}, payhost.ReasonStatementAmount},
		{"altered currency", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.Currency = "EUR"
			return r
		}, payhost.ReasonStatementCurrency},
		{"another order", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.OrderHash = hashOf("another order")
			return r
		}, payhost.ReasonStatementOrder},
		{"another code", func(a api, r payhost.PayRequest, spare string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.AuthCode = spare
			return r
		}, payhost.ReasonStatementCredential},
		{"a face instead of the code", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.AuthCode = sandboxtest.FaceAuth(a.t, r, red)
			return r
		}, payhost.ReasonStatementCredential},
		{"replayed nonce", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			// An earlier payment spent the nonce.
			earlier := a.faceReq("order-0", red, 10)
			if p := a.pay(earlier); !p.Paid() {
				a.t.Fatalf("earlier payment: %+v", p)
			}
			return signAs(r, sandboxtest.TerminalID, mine, a.env.Clock.Now(), func(s *payhost.Statement) {
				s.Nonce = earlier.Statement.Nonce
			})
		}, payhost.ReasonNonceReused},
		{"stale statement", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			at := a.env.Clock.Now().Add(-sandbox.DefaultMaxStatementAge - time.Second)
			return sandboxtest.SignedPay(r, sandboxtest.TerminalID, mine, at)
		}, payhost.ReasonStatementStale},
		{"statement from the future", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			at := a.env.Clock.Now().Add(sandbox.DefaultMaxStatementSkew + time.Second)
			return sandboxtest.SignedPay(r, sandboxtest.TerminalID, mine, at)
		}, payhost.ReasonStatementStale},
		{"unknown terminal", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r.TerminalID = ""
			return sandboxtest.SignedPay(r, "T9", stranger, a.env.Clock.Now())
		}, payhost.ReasonTerminalUnknown},
		{"wrong key id", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			// Well signed, by a key the terminal does not have.
			return sandboxtest.SignedPay(r, sandboxtest.TerminalID, stranger, a.env.Clock.Now())
		}, payhost.ReasonTerminalUnknown},
		{"request names another terminal", func(a api, r payhost.PayRequest, _ string) payhost.PayRequest {
			r = a.env.Sign(r)
			r.TerminalID = "T2"
			return r
		}, payhost.ReasonTerminalUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, sandbox.Options{})
			acct := a.account("Mia", "CNY", 10000)
			a.env.EnrolCrop(t, acct.ID, red)
			code, spare := a.code(acct.ID), a.code(acct.ID)
			honest := payReq("order-1", code, amount)
			sent := tc.forge(a, honest, spare)
			before := a.balance(acct.ID)

			p := a.pay(sent)
			if p.Status != payhost.StatusFail || p.Reason != tc.want {
				t.Fatalf("pay: %s %s, want FAIL %s", p.Status, p.Reason, tc.want)
			}
			if p.OutTradeNo != "order-1" || p.TradeNo != "" || p.AccountID != "" || !p.PaidAt.IsZero() {
				t.Errorf("refusal names a charge: %+v", p)
			}
			if got := a.balance(acct.ID); got != before {
				t.Errorf("balance %d → %d on a refusal", before, got)
			}
			if status, raw := a.do("GET", "/v1/pay/order-1", nil); status != http.StatusNotFound {
				t.Errorf("the refusal was stored: %d %s", status, raw)
			}

			// The honest request, same out_trade_no and code, still pays;
			// the spare code was not spent either.
			if p := a.pay(a.env.Sign(honest)); !p.Paid() {
				t.Fatalf("honest payment after the refusal: %+v", p)
			}
			if p := a.pay(a.req("order-2", spare, 1)); !p.Paid() {
				t.Errorf("spare code after the refusal: %+v", p)
			}
			if got := a.balance(acct.ID); got != before-amount-1 {
				t.Errorf("balance %d, want %d", got, before-amount-1)
			}
			a.verify()
		})
	}
}

// TestStatementAgeLimits: the bounds are inclusive, configurable, and
// judged by the host's clock.
func TestStatementAgeLimits(t *testing.T) {
	const age, skew = 2 * time.Minute, 10 * time.Second
	cases := []struct {
		name   string
		offset time.Duration // statement time - host time
		want   string
	}{
		{"now", 0, ""},
		{"exactly the maximum age", -age, ""},
		{"a nanosecond older", -age - time.Nanosecond, payhost.ReasonStatementStale},
		{"older than the configured age (default would accept)", -3 * time.Minute, payhost.ReasonStatementStale},
		{"exactly the maximum skew ahead", skew, ""},
		{"further ahead", skew + time.Nanosecond, payhost.ReasonStatementStale},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, sandbox.Options{MaxStatementAge: age, MaxStatementSkew: skew})
			acct := a.account("Ned", "CNY", 100)
			req := sandboxtest.SignedPay(payReq("o1", a.code(acct.ID), 10), sandboxtest.TerminalID,
				sandboxtest.TerminalKey(), a.env.Clock.Now().Add(tc.offset))
			p := a.pay(req)
			if p.Reason != tc.want || p.Paid() != (tc.want == "") {
				t.Errorf("pay: %s %s, want reason %q", p.Status, p.Reason, tc.want)
			}
		})
	}
}

// TestReplayAnsweredBeforeTheStatementCheck: a stored request replayed
// after its statement went stale, or after the terminal's key changed,
// gets its stored answer, not a refusal.
func TestReplayAnsweredBeforeTheStatementCheck(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Ola", "CNY", 10000)
	req := a.req("o1", a.code(acct.ID), 500)
	first := a.pay(req)
	if !first.Paid() {
		t.Fatalf("pay: %+v", first)
	}
	a.env.Clock.Advance(sandbox.DefaultMaxStatementAge + time.Hour)
	a.env.RegisterTerminal(t, sandboxtest.TerminalID, keyFor("new").Public().(ed25519.PublicKey))
	if again := a.pay(req); again != first {
		t.Errorf("replay: %+v, want the stored %+v", again, first)
	}
	// Another statement under the same out_trade_no is a conflict, not a
	// replay, even with identical payment fields.
	other := sandboxtest.SignedPay(payReq("o1", req.AuthCode, 500), sandboxtest.TerminalID, keyFor("new"), a.env.Clock.Now())
	if status, raw := a.do("POST", "/v1/pay", other); status != http.StatusConflict {
		t.Errorf("another statement under o1: %d %s, want 409", status, raw)
	}
	if got := a.balance(acct.ID); got != 10000-500 {
		t.Errorf("balance %d", got)
	}
}

// TestNonceBelongsToItsPayment: the out_trade_no that spent a nonce may
// send it again (a retry), any other may not.
func TestNonceBelongsToItsPayment(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Pia", "CNY", 10000)
	paid := a.pay(a.req("o1", a.code(acct.ID), 100))
	// o2 for the same order gets o1's payment back and spends its nonce.
	r := payReq("o2", a.code(acct.ID), 100)
	r.OrderHash = hashOf("o1")
	o2 := a.env.Sign(r)
	for i := range 2 {
		if p := a.pay(o2); p != paid {
			t.Errorf("o2 #%d: %+v, want o1's payment %+v", i, p, paid)
		}
	}
	o3 := signAs(payReq("o3", o2.AuthCode, 100), sandboxtest.TerminalID, sandboxtest.TerminalKey(), a.env.Clock.Now(),
		func(s *payhost.Statement) { s.Nonce = o2.Statement.Nonce })
	if p := a.pay(o3); p.Reason != payhost.ReasonNonceReused {
		t.Errorf("o3 with o2's nonce: %+v", p)
	}
}

// TestOrderPaidOnce: a second payment for a paid order gets the first
// back and charges nothing; after a reversal the order may be paid again.
func TestOrderPaidOnce(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Quinn", "CNY", 10000)
	order := hashOf("order-42")
	forOrder := func(no, code string) payhost.PayRequest {
		r := payReq(no, code, 1500)
		r.OrderHash = order
		return a.env.Sign(r)
	}

	// A FAIL does not pay the order.
	if p := a.pay(forOrder("a0", "139999999999999999")); p.Reason != payhost.ReasonCodeUnknown {
		t.Fatalf("unknown code: %+v", p)
	}
	first := a.pay(forOrder("a1", a.code(acct.ID)))
	if !first.Paid() {
		t.Fatalf("first payment: %+v", first)
	}
	spare := a.code(acct.ID)
	second := forOrder("a2", spare)
	for i := range 2 { // a retry of a2 too
		if p := a.pay(second); p != first {
			t.Errorf("second payment #%d: %+v, want the first %+v", i, p, first)
		}
	}
	// The same order with its hash in capitals is the same order.
	upper := payReq("a3", spare, 1500)
	upper.OrderHash = strings.ToUpper(order)
	if p := a.pay(a.env.Sign(upper)); p != first {
		t.Errorf("hash in capitals: %+v, want the first %+v", p, first)
	}
	// Through the HTTP client as well.
	if p, err := a.env.Client.Pay(t.Context(), forOrder("a4", spare)); err != nil || p != first {
		t.Errorf("client: %+v %v, want the first", p, err)
	}
	if got := a.balance(acct.ID); got != 10000-1500 {
		t.Errorf("balance %d, want one charge", got)
	}
	if status, _ := a.do("GET", "/v1/pay/a2", nil); status != http.StatusNotFound {
		t.Errorf("a2 was stored: %d", status)
	}

	// Reversed, the order may be paid again, once.
	if status, raw := a.do("POST", "/v1/pay/a1/reverse", nil); status != http.StatusOK {
		t.Fatalf("reverse: %d %s", status, raw)
	}
	again := a.pay(forOrder("a5", spare))
	if !again.Paid() || again.OutTradeNo != "a5" || again.TradeNo == first.TradeNo {
		t.Fatalf("after the reversal: %+v", again)
	}
	if p := a.pay(forOrder("a6", a.code(acct.ID))); p != again {
		t.Errorf("after the second payment: %+v, want %+v", p, again)
	}
	if got := a.balance(acct.ID); got != 10000-1500 {
		t.Errorf("balance %d, want one charge standing", got)
	}
	a.verify()
}

// TestTerminalRegistrationAPI drives PUT and GET /admin/terminals/{id}
// and the AdminClient.
func TestTerminalRegistrationAPI(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	pub := keyFor("pos-1").Public().(ed25519.PublicKey)
	hexKey := hex.EncodeToString(pub)
	cases := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode                 string
	}{
		{"register", "PUT", "/admin/terminals/PT1-0001", `{"public_key":"` + hexKey + `"}`, http.StatusOK, ""},
		{"read", "GET", "/admin/terminals/PT1-0001", ``, http.StatusOK, ""},
		{"escaped id", "PUT", "/admin/terminals/PT%201", `{"public_key":"` + hexKey + `"}`, http.StatusOK, ""},
		{"unknown", "GET", "/admin/terminals/PT9", ``, http.StatusNotFound, payhost.CodeNotFound},
		{"short key", "PUT", "/admin/terminals/PT2", `{"public_key":"` + hexKey[2:] + `"}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"not hex", "PUT", "/admin/terminals/PT2", `{"public_key":"` + strings.Repeat("zz", 32) + `"}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"no key", "PUT", "/admin/terminals/PT2", `{}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"unknown field", "PUT", "/admin/terminals/PT2", `{"public_key":"` + hexKey + `","x":1}`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"not json", "PUT", "/admin/terminals/PT2", `key`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"long id", "PUT", "/admin/terminals/" + strings.Repeat("t", payhost.MaxTerminalID+1), `{"public_key":"` + hexKey + `"}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"control in id", "PUT", "/admin/terminals/a%07b", `{"public_key":"` + hexKey + `"}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"other method", "DELETE", "/admin/terminals/PT1-0001", ``, http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			status, raw := a.do(tc.method, tc.path, body)
			if status != tc.wantStatus {
				t.Fatalf("%d %s, want %d", status, raw, tc.wantStatus)
			}
			if tc.wantCode != "" {
				if e := decode[payhost.ErrorBody](t, raw); e.Error != tc.wantCode {
					t.Fatalf("error %+v, want %s", e, tc.wantCode)
				}
				return
			}
			term := decode[sandbox.Terminal](t, raw)
			if term.PublicKey != hexKey || term.KeyID != payhost.KeyIDOf(pub) || term.ID == "" || term.RegisteredAt.IsZero() {
				t.Fatalf("answer %+v", term)
			}
		})
	}

	// The admin client; registering again replaces the key, and only the
	// new key's statements pay.
	admin := &sandbox.AdminClient{Base: a.env.Server.URL, HC: a.env.Server.Client()}
	ctx := t.Context()
	old, fresh := keyFor("old"), keyFor("fresh")
	for _, k := range []ed25519.PrivateKey{old, fresh} {
		if _, err := admin.RegisterTerminal(ctx, "PT3", k.Public().(ed25519.PublicKey)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := admin.Terminal(ctx, "PT3"); err != nil || got.KeyID != payhost.KeyIDOf(fresh.Public().(ed25519.PublicKey)) {
		t.Errorf("after re-registering: %+v %v", got, err)
	}
	if _, err := admin.Terminal(ctx, "PT4"); err == nil {
		t.Error("unknown terminal: no error")
	}
	acct := a.account("Rui", "CNY", 1000)
	code := a.code(acct.ID)
	r := payReq("o1", code, 10)
	r.TerminalID = "PT3"
	if p := a.pay(sandboxtest.SignedPay(r, "PT3", old, a.env.Clock.Now())); p.Reason != payhost.ReasonTerminalUnknown {
		t.Errorf("old key: %+v", p)
	}
	if p := a.pay(sandboxtest.SignedPay(r, "PT3", fresh, a.env.Clock.Now())); !p.Paid() {
		t.Errorf("new key: %+v", p)
	}
}

func TestRegisterTerminalRefusesBadInput(t *testing.T) {
	env := sandboxtest.Start(t, sandbox.Options{})
	pub := keyFor("x").Public().(ed25519.PublicKey)
	for name, c := range map[string]struct {
		id  string
		pub ed25519.PublicKey
	}{
		"empty id":  {"", pub},
		"short key": {"T5", pub[:31]},
		"no key":    {"T5", nil},
		"bad UTF-8": {"\xff", pub},
	} {
		if err := env.Host.RegisterTerminal(t.Context(), c.id, c.pub); err == nil {
			t.Errorf("%s: registered", name)
		}
	}
	if _, err := env.Host.Terminal(t.Context(), "T5"); err == nil {
		t.Error("T5 exists after refusals")
	}
}
