package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// limited opens an account of 10 000 CNY minor units with a limit of 1 000.
func (a api) limited() sandbox.Account {
	a.t.Helper()
	status, raw := a.do("POST", "/accounts", map[string]any{"name": "Lim", "currency": "CNY", "balance": 10000, "limit": 1000})
	if status != http.StatusCreated {
		a.t.Fatalf("create account: %d %s", status, raw)
	}
	acct := decode[sandbox.Account](a.t, raw)
	if acct.Limit != 1000 {
		a.t.Fatalf("limit %d, want 1000", acct.Limit)
	}
	return acct
}

func (a api) query(no string) payhost.Payment {
	a.t.Helper()
	status, raw := a.do("GET", "/v1/pay/"+no, nil)
	if status != http.StatusOK {
		a.t.Fatalf("query %s: %d %s", no, status, raw)
	}
	return decode[payhost.Payment](a.t, raw)
}

func TestHeldPayment(t *testing.T) {
	cases := []struct {
		name string
		// act is what happens after the payment is held; it returns the
		// HTTP status of the phone's call (0 when none).
		act        func(a api, acct sandbox.Account, no string) int
		wantStatus int
		want       payhost.Status
		reason     string
		charged    bool
	}{
		{name: "confirmed", want: payhost.StatusSuccess, charged: true, wantStatus: http.StatusOK,
			act: func(a api, acct sandbox.Account, no string) int {
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
		{name: "refused", want: payhost.StatusFail, reason: payhost.ReasonUserRefused, wantStatus: http.StatusOK,
			act: func(a api, acct sandbox.Account, no string) int {
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/refuse", "{}")
				return s
			}},
		{name: "expired", want: payhost.StatusFail, reason: payhost.ReasonUserPayingExpired,
			act: func(a api, _ sandbox.Account, _ string) int {
				a.env.Clock.Advance(sandbox.DefaultUserPayingTTL)
				return 0
			}},
		{name: "confirmed after expiry", want: payhost.StatusFail, reason: payhost.ReasonUserPayingExpired, wantStatus: http.StatusConflict,
			act: func(a api, acct sandbox.Account, no string) int {
				a.env.Clock.Advance(sandbox.DefaultUserPayingTTL + time.Second)
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
		{name: "confirmed just before expiry", want: payhost.StatusSuccess, charged: true, wantStatus: http.StatusOK,
			act: func(a api, acct sandbox.Account, no string) int {
				a.env.Clock.Advance(sandbox.DefaultUserPayingTTL - time.Millisecond)
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
		{name: "reversed, then confirmed", want: payhost.StatusReversed, reason: payhost.ReasonNotPaid, wantStatus: http.StatusConflict,
			act: func(a api, acct sandbox.Account, no string) int {
				if s, raw := a.do("POST", "/v1/pay/"+no+"/reverse", nil); s != http.StatusOK {
					a.t.Fatalf("reverse: %d %s", s, raw)
				}
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
		{name: "another account's phone", want: payhost.StatusUserPaying, wantStatus: http.StatusNotFound,
			act: func(a api, _ sandbox.Account, no string) int {
				other := a.account("Eve", "CNY", 0)
				s, _ := a.do("POST", "/phone/"+other.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
		{name: "confirmed after the balance went", want: payhost.StatusFail, reason: payhost.ReasonInsufficientFunds, wantStatus: http.StatusOK,
			act: func(a api, acct sandbox.Account, no string) int {
				// Smaller payments take 9 000 of the 10 000.
				for i := range 10 {
					p := a.pay(a.req(fmt.Sprintf("drain-%d", i), a.code(acct.ID), 900))
					if p.Status != payhost.StatusSuccess {
						a.t.Fatalf("drain: %+v", p)
					}
				}
				s, _ := a.do("POST", "/phone/"+acct.ID+"/payments/"+no+"/confirm", "{}")
				return s
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, sandbox.Options{})
			acct := a.limited()
			code := a.code(acct.ID)
			p := a.pay(a.req("held-1", code, 1500))
			if p.Status != payhost.StatusUserPaying || p.AccountID != "" || p.TradeNo != "" {
				t.Fatalf("pay above the limit = %+v, want USERPAYING, nothing charged", p)
			}
			if got := a.balance(acct.ID); got != 10000 {
				t.Fatalf("balance %d while held, want 10000", got)
			}
			// The code is spent: it cannot pay a second time meanwhile.
			if p := a.pay(a.req("held-2", code, 500)); p.Reason != payhost.ReasonCodeUsed {
				t.Fatalf("code reused while held: %+v", p)
			}
			if q := a.query("held-1"); q.Status != payhost.StatusUserPaying {
				t.Fatalf("query while held: %+v", q)
			}
			before := a.balance(acct.ID)
			if s := tc.act(a, acct, "held-1"); s != tc.wantStatus {
				t.Errorf("phone call status %d, want %d", s, tc.wantStatus)
			}
			spent := before - a.balance(acct.ID)
			q := a.query("held-1")
			if q.Status != tc.want || q.Reason != tc.reason {
				t.Errorf("query = %s %s, want %s %s", q.Status, q.Reason, tc.want, tc.reason)
			}
			drained := int64(0)
			if tc.name == "confirmed after the balance went" {
				drained = 9000
			}
			if charged := spent-drained == 1500; charged != tc.charged || !charged && spent != drained {
				t.Errorf("balance moved by %d (drained %d), charged want %v", spent, drained, tc.charged)
			}
			if tc.charged != q.Paid() {
				t.Errorf("money moved %v but status %s", tc.charged, q.Status)
			}
			a.verify()
		})
	}
}

func TestUnderLimitAndFacesAreNotHeld(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.limited()
	if p := a.pay(a.req("at-limit", a.code(acct.ID), 1000)); p.Status != payhost.StatusSuccess {
		t.Errorf("payment at the limit = %+v, want SUCCESS", p)
	}
	if s, raw := a.do("POST", "/accounts/"+acct.ID+"/faces", map[string][]byte{"crop_jpeg": red}); s != http.StatusCreated {
		t.Fatalf("enrol: %d %s", s, raw)
	}
	if p := a.pay(a.faceReq("face", red, 2000)); p.Status != payhost.StatusSuccess {
		t.Errorf("face payment above the limit = %+v, want SUCCESS (the limit is for codes)", p)
	}
	// The admin API lifts the limit.
	if s, raw := a.do("PUT", "/accounts/"+acct.ID+"/limit", `{"limit":0}`); s != http.StatusOK {
		t.Fatalf("set limit: %d %s", s, raw)
	}
	if p := a.pay(a.req("no-limit", a.code(acct.ID), 5000)); p.Status != payhost.StatusSuccess {
		t.Errorf("payment without a limit = %+v, want SUCCESS", p)
	}
	if s, _ := a.do("PUT", "/accounts/"+acct.ID+"/limit", `{"limit":-1}`); s != http.StatusBadRequest {
		t.Errorf("negative limit: status %d, want 400", s)
	}
	a.verify()
}

func TestHeldReplayAndExpiryOnPay(t *testing.T) {
	a := newAPI(t, sandbox.Options{UserPayingTTL: 10 * time.Second})
	acct := a.limited()
	req := a.req("held", a.code(acct.ID), 1500)
	if p := a.pay(req); p.Status != payhost.StatusUserPaying {
		t.Fatalf("pay = %+v", p)
	}
	if p := a.pay(req); p.Status != payhost.StatusUserPaying {
		t.Fatalf("replay while held = %+v", p)
	}
	a.env.Clock.Advance(10 * time.Second)
	if p := a.pay(req); p.Status != payhost.StatusFail || p.Reason != payhost.ReasonUserPayingExpired {
		t.Fatalf("replay after the configured expiry = %+v", p)
	}
	if got := a.balance(acct.ID); got != 10000 {
		t.Errorf("balance %d, want 10000", got)
	}
	a.verify()
}

func TestPhonePage(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.limited()
	if p := a.pay(a.req("held-page", a.code(acct.ID), 1500)); p.Status != payhost.StatusUserPaying {
		t.Fatalf("pay = %+v", p)
	}
	held := a.heldList(acct.ID)
	if len(held) != 1 || held[0].OutTradeNo != "held-page" || held[0].Amount != 1500 || held[0].TerminalID != "T1" {
		t.Fatalf("held = %+v", held)
	}
	resp, err := a.env.Server.Client().Get(a.env.Server.URL + "/phone/" + acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	for _, want := range []string{"held-page", "15.00", "Confirm", "Refuse", "/phone/" + acct.ID + "/payments/held-page/confirm"} {
		if !strings.Contains(page, want) {
			t.Errorf("phone page lacks %q", want)
		}
	}
	// The page's form confirms and goes back to the page.
	hc := *a.env.Server.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = hc.Post(a.env.Server.URL+"/phone/"+acct.ID+"/payments/held-page/confirm", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/phone/"+acct.ID {
		t.Errorf("form post: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if q := a.query("held-page"); q.Status != payhost.StatusSuccess {
		t.Errorf("after the form: %+v", q)
	}
	if held := a.heldList(acct.ID); len(held) != 0 {
		t.Errorf("still held: %+v", held)
	}
	if s, _ := a.do("GET", "/phone/acct-999999/payments", nil); s != http.StatusNotFound {
		t.Errorf("unknown account's phone: %d", s)
	}
	a.verify()
}

func (a api) heldList(id string) []sandbox.Held {
	a.t.Helper()
	s, raw := a.do("GET", "/phone/"+id+"/payments", nil)
	if s != http.StatusOK {
		a.t.Fatalf("held: %d %s", s, raw)
	}
	return decode[[]sandbox.Held](a.t, raw)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestConfirmRacesReverse: the payer confirms while the terminal reverses.
// Exactly one wins, and money moved exactly when the payment ends SUCCESS
// (a reversal that lands after the confirmation gives the money back).
func TestConfirmRacesReverse(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	h := a.env.Host
	ctx := context.Background()
	acct := a.account("Race", "CNY", 1_000_000)
	if _, err := h.SetLimit(ctx, acct.ID, 100); err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for i := range 60 {
		no := fmt.Sprintf("race-%d", i)
		if p := a.pay(a.req(no, a.code(acct.ID), 500)); p.Status != payhost.StatusUserPaying {
			t.Fatalf("pay = %+v", p)
		}
		before := a.balance(acct.ID)
		var wg sync.WaitGroup
		var confirmErr, reverseErr error
		var reversed payhost.Payment
		wg.Add(2)
		go func() { defer wg.Done(); _, confirmErr = h.Confirm(ctx, acct.ID, no) }()
		go func() { defer wg.Done(); reversed, reverseErr = h.Reverse(ctx, no) }()
		wg.Wait()
		if reverseErr != nil || confirmErr != nil && !errors.Is(confirmErr, payhost.ErrConflict) {
			t.Fatalf("confirm %v, reverse %v", confirmErr, reverseErr)
		}
		confirmWon := confirmErr == nil
		reverseWon := reversed.Reason == payhost.ReasonNotPaid
		if confirmWon == reverseWon {
			t.Fatalf("%s: confirm won %v, reverse closed it unpaid %v: want exactly one", no, confirmWon, reverseWon)
		}
		final := a.query(no)
		moved := before - a.balance(acct.ID)
		if final.Paid() != (moved == 500) || !final.Paid() && moved != 0 {
			t.Fatalf("%s: final %s, money moved %d", no, final.Status, moved)
		}
		outcomes[string(final.Status)+"/"+map[bool]string{true: "confirm", false: "reverse"}[confirmWon]]++
	}
	t.Logf("outcomes: %v", outcomes)
	a.verify()
}
