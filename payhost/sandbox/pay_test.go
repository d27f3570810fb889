package sandbox_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

func TestPay(t *testing.T) {
	issue := func(a api, acct sandbox.Account) string { return a.code(acct.ID) }
	cases := []struct {
		name       string
		currency   string // the account's; the payment is in CNY
		balance    int64
		auth       func(a api, acct sandbox.Account) string
		advance    time.Duration // clock moves between getting auth and paying
		amount     int64
		wantStatus payhost.Status
		wantReason string
		// retry is the reason expected when the same credential then pays
		// 1 minor unit in the account's currency under a new out_trade_no:
		// "" for SUCCESS (the credential was left usable).
		retry string
	}{
		{name: "charged", currency: "CNY", balance: 10000, auth: issue, amount: 2550,
			wantStatus: payhost.StatusSuccess, retry: payhost.ReasonCodeUsed},
		{name: "whole balance", currency: "CNY", balance: 2550, auth: issue, amount: 2550,
			wantStatus: payhost.StatusSuccess, retry: payhost.ReasonCodeUsed},
		{name: "just before expiry", currency: "CNY", balance: 10000, auth: issue, advance: 59 * time.Second, amount: 100,
			wantStatus: payhost.StatusSuccess, retry: payhost.ReasonCodeUsed},
		{name: "code used", currency: "CNY", balance: 10000, amount: 100,
			auth: func(a api, acct sandbox.Account) string {
				code := a.code(acct.ID)
				if p := a.pay(a.req("first-use", code, 100)); p.Status != payhost.StatusSuccess {
					a.t.Fatalf("first use: %+v", p)
				}
				return code
			},
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeUsed, retry: payhost.ReasonCodeUsed},
		{name: "code expired", currency: "CNY", balance: 10000, auth: issue, advance: 61 * time.Second, amount: 100,
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeExpired, retry: payhost.ReasonCodeExpired},
		{name: "expired at exactly its lifetime", currency: "CNY", balance: 10000, auth: issue, advance: sandbox.DefaultCodeTTL, amount: 100,
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeExpired, retry: payhost.ReasonCodeExpired},
		{name: "unknown code", currency: "CNY", balance: 10000, amount: 100,
			auth:       func(api, sandbox.Account) string { return "139999999999999999" },
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeUnknown, retry: payhost.ReasonCodeUnknown},
		{name: "malformed code", currency: "CNY", balance: 10000, amount: 100,
			auth:       func(api, sandbox.Account) string { return "1234-5678" },
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeInvalid, retry: payhost.ReasonCodeInvalid},
		{name: "insufficient funds", currency: "CNY", balance: 1000, auth: issue, amount: 1001,
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonInsufficientFunds, retry: ""},
		{name: "currency mismatch", currency: "EUR", balance: 10000, auth: issue, amount: 100,
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCurrencyMismatch, retry: ""},
		// A sealed crop is bound to order-1: the retry under order-2 cannot
		// open it.
		{name: "enrolled face", currency: "CNY", balance: 10000, amount: 700,
			auth: func(a api, acct sandbox.Account) string {
				a.env.EnrolCrop(a.t, acct.ID, red)
				return sandboxtest.FaceAuth(a.t, payReq("order-1", "", 0), red)
			},
			wantStatus: payhost.StatusSuccess, retry: payhost.ReasonCodeInvalid},
		{name: "unknown face", currency: "CNY", balance: 10000, amount: 100,
			auth: func(a api, acct sandbox.Account) string {
				a.env.EnrolCrop(a.t, acct.ID, red)
				return sandboxtest.FaceAuth(a.t, payReq("order-1", "", 0), blue)
			},
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonFaceUnknown, retry: payhost.ReasonCodeInvalid},
		{name: "malformed face token", currency: "CNY", balance: 10000, amount: 100,
			auth:       func(api, sandbox.Account) string { return payhost.FacePrefix + "two words" },
			wantStatus: payhost.StatusFail, wantReason: payhost.ReasonCodeInvalid, retry: payhost.ReasonCodeInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, sandbox.Options{})
			acct := a.account("Alice", tc.currency, tc.balance)
			auth := tc.auth(a, acct)
			a.env.Clock.Advance(tc.advance)
			before := a.balance(acct.ID)

			req := a.req("order-1", auth, tc.amount)
			p := a.pay(req)
			if p.Status != tc.wantStatus || p.Reason != tc.wantReason {
				t.Fatalf("pay: %s %q, want %s %q", p.Status, p.Reason, tc.wantStatus, tc.wantReason)
			}
			if p.OutTradeNo != req.OutTradeNo || p.Amount != req.Amount || p.Currency != req.Currency || p.OrderHash != req.OrderHash {
				t.Errorf("pay answer does not echo the request: %+v", p)
			}
			after := a.balance(acct.ID)
			if p.Status == payhost.StatusSuccess {
				if after != before-tc.amount {
					t.Errorf("balance %d → %d, want a drop of exactly %d", before, after, tc.amount)
				}
				if p.TradeNo == "" || p.AccountID != acct.ID || !p.PaidAt.Equal(a.env.Clock.Now()) {
					t.Errorf("success answer: %+v", p)
				}
			} else {
				if after != before {
					t.Errorf("refused payment moved the balance %d → %d", before, after)
				}
				if p.TradeNo != "" || p.AccountID != "" || !p.PaidAt.IsZero() {
					t.Errorf("fail answer names a charge: %+v", p)
				}
			}

			retry := payReq("order-2", auth, 1)
			retry.Currency = tc.currency
			r := a.pay(a.env.Sign(retry))
			switch {
			case tc.retry == "" && r.Status != payhost.StatusSuccess:
				t.Errorf("retry with the same credential: %s %s, want SUCCESS", r.Status, r.Reason)
			case tc.retry != "" && (r.Status != payhost.StatusFail || r.Reason != tc.retry):
				t.Errorf("retry with the same credential: %s %s, want FAIL %s", r.Status, r.Reason, tc.retry)
			}
			a.verify()
		})
	}
}

func TestPayIdempotent(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Bob", "CNY", 10000)
	code := a.code(acct.ID)
	req := a.req("order-1", code, 1234)

	first := a.pay(req)
	if first.Status != payhost.StatusSuccess {
		t.Fatalf("first pay: %+v", first)
	}
	a.env.Clock.Advance(30 * time.Second) // a replay answers the stored time, not now
	second := a.pay(req)
	if stripTimes(second) != stripTimes(first) || !second.PaidAt.Equal(first.PaidAt) {
		t.Errorf("repeat answered %+v, first was %+v", second, first)
	}
	if got := a.balance(acct.ID); got != 10000-1234 {
		t.Errorf("balance %d after a repeated pay, want one debit: %d", got, 10000-1234)
	}

	// The same out_trade_no for another charge is refused, not replayed.
	other := a.code(acct.ID)
	conflicts := map[string]payhost.PayRequest{
		"amount": func() payhost.PayRequest { r := req; r.Amount = 999; return r }(),
		"code":   func() payhost.PayRequest { r := req; r.AuthCode = other; return r }(),
		"hash":   func() payhost.PayRequest { r := req; r.OrderHash = hashOf("x"); return r }(),
	}
	for name, r := range conflicts {
		status, raw := a.do("POST", "/v1/pay", r)
		body := decode[payhost.ErrorBody](t, raw)
		if status != http.StatusConflict || body.Error != payhost.CodeConflict ||
			!strings.Contains(body.Message, "out_trade_no reused with different content") {
			t.Errorf("%s changed: %d %+v, want 409 conflict", name, status, body)
		}
	}
	if got := a.balance(acct.ID); got != 10000-1234 {
		t.Errorf("balance %d after conflicts, want %d", got, 10000-1234)
	}
	// A FAIL is stored too: repeating it answers the same FAIL even though
	// the code would now be valid for a fresh request.
	poor := a.account("Poor", "CNY", 50)
	pcode := a.code(poor.ID)
	poorReq := a.req("order-poor", pcode, 100)
	fail := a.pay(poorReq)
	if fail.Status != payhost.StatusFail {
		t.Fatalf("pay beyond balance: %+v", fail)
	}
	if again := a.pay(poorReq); again.Status != payhost.StatusFail || again.Reason != fail.Reason {
		t.Errorf("repeat of a FAIL: %+v", again)
	}
	a.verify()
}

func stripTimes(p payhost.Payment) payhost.Payment {
	p.PaidAt, p.ReversedAt = time.Time{}, time.Time{}
	return p
}

func TestReverse(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Carol", "CNY", 10000)
	req := a.req("order-1", a.code(acct.ID), 4000)
	paid := a.pay(req)
	if paid.Status != payhost.StatusSuccess {
		t.Fatalf("pay: %+v", paid)
	}
	a.env.Clock.Advance(5 * time.Second)
	reversedAt := a.env.Clock.Now()

	for i := range 3 { // reversal is idempotent: money comes back once
		status, raw := a.do("POST", "/v1/pay/order-1/reverse", nil)
		if status != http.StatusOK {
			t.Fatalf("reverse #%d: %d %s", i, status, raw)
		}
		p := decode[payhost.Payment](t, raw)
		if p.Status != payhost.StatusReversed || p.TradeNo != paid.TradeNo || !p.ReversedAt.Equal(reversedAt) {
			t.Errorf("reverse #%d: %+v", i, p)
		}
		if got := a.balance(acct.ID); got != 10000 {
			t.Errorf("balance after reverse #%d: %d, want 10000", i, got)
		}
		a.env.Clock.Advance(time.Second)
	}
	// Replaying the original request answers the reversal, charging nothing.
	if p := a.pay(req); p.Status != payhost.StatusReversed {
		t.Errorf("replayed pay on a reversed out_trade_no: %+v", p)
	}
	if got := a.balance(acct.ID); got != 10000 {
		t.Errorf("balance %d after replaying a reversed pay, want 10000", got)
	}

	// Reversing a FAIL is a no-op that answers the FAIL.
	fail := a.pay(a.req("order-2", "139999999999999999", 100))
	status, raw := a.do("POST", "/v1/pay/order-2/reverse", nil)
	if got := decode[payhost.Payment](t, raw); status != http.StatusOK || got != fail {
		t.Errorf("reverse of a FAIL: %d %+v, want %+v", status, got, fail)
	}

	// An unknown out_trade_no is closed, so a late charge takes nothing.
	status, raw = a.do("POST", "/v1/pay/order-3/reverse", nil)
	closed := decode[payhost.Payment](t, raw)
	if status != http.StatusOK || closed.Status != payhost.StatusReversed || closed.Reason != payhost.ReasonNotPaid {
		t.Fatalf("reverse of an unknown payment: %d %+v", status, closed)
	}
	code := a.code(acct.ID)
	if late := a.pay(a.req("order-3", code, 100)); late.Status != payhost.StatusReversed || late.AccountID != "" {
		t.Errorf("late pay after closing: %+v", late)
	}
	if got := a.balance(acct.ID); got != 10000 {
		t.Errorf("balance %d after a late pay on a closed order, want 10000", got)
	}
	if p := a.pay(a.req("order-4", code, 100)); p.Status != payhost.StatusSuccess {
		t.Errorf("the late pay's code should still be unused: %+v", p)
	}
	a.verify()
}

func TestQuery(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Dan", "CNY", 500)
	paid := a.pay(a.req("order-1", a.code(acct.ID), 300))

	cases := []struct {
		path       string
		wantStatus int
		wantCode   string
	}{
		{"/v1/pay/order-1", http.StatusOK, ""},
		{"/v1/pay/order-unknown", http.StatusNotFound, payhost.CodeNotFound},
		{"/v1/pay/bad%20ref", http.StatusBadRequest, payhost.CodeBadRequest},
	}
	for _, tc := range cases {
		status, raw := a.do("GET", tc.path, nil)
		if status != tc.wantStatus {
			t.Errorf("GET %s: %d %s, want %d", tc.path, status, raw, tc.wantStatus)
			continue
		}
		if tc.wantCode != "" {
			if e := decode[payhost.ErrorBody](t, raw); e.Error != tc.wantCode || e.Message == "" {
				t.Errorf("GET %s: %+v, want error %q with a message", tc.path, e, tc.wantCode)
			}
			continue
		}
		if got := decode[payhost.Payment](t, raw); got != paid {
			t.Errorf("GET %s: %+v, want %+v", tc.path, got, paid)
		}
	}
}
