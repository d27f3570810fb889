package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/pos"
)

// TestUserPayingOnTheTerminal: a code payment above the payer's limit
// waits for their phone. The terminal says so until the payer confirms
// (paid, the balance drops once), refuses or lets it expire (not
// charged), or the customer cancels on the terminal (reversed, not
// charged). Direct mode, through the virtual terminal's automation API
// and the sandbox's phone API.
func TestUserPayingOnTheTerminal(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		act  func(s *system, acct sandbox.Account, no string)
		paid bool
		msg  string // in the failed screen's message
	}{
		{"confirmed on the phone", func(s *system, acct sandbox.Account, no string) {
			if _, err := s.admin.Confirm(ctx, acct.ID, no); err != nil {
				t.Fatal(err)
			}
		}, true, ""},
		{"refused on the phone", func(s *system, acct sandbox.Account, no string) {
			if _, err := s.admin.Refuse(ctx, acct.ID, no); err != nil {
				t.Fatal(err)
			}
		}, false, "refused on your phone"},
		{"not confirmed in time", func(s *system, _ sandbox.Account, _ string) {
			s.Host.Clock.Advance(sandbox.DefaultUserPayingTTL + time.Second)
		}, false, "in time"},
		{"cancelled on the terminal", func(s *system, _ sandbox.Account, _ string) {
			s.Tap("cancel", "")
		}, false, "nothing was charged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSystem(t, nil)
			acct := s.Customer(100000)
			if _, err := s.admin.SetLimit(ctx, acct.ID, 100); err != nil {
				t.Fatal(err)
			}
			o, err := pos.SampleOrder("T-PHONE-1")
			if err != nil {
				t.Fatal(err)
			}
			if o.Total <= 100 {
				t.Fatalf("sample total %d is not above the limit", o.Total)
			}
			done := payAsync(t, s.Agent(), o, pos.Direct)
			s.WaitScreen("order")
			s.Tap("confirm", "")
			s.WaitScreen("method")
			s.Tap("choose-code", "")
			s.WaitScreen("show-code")
			s.Scan(s.Code(acct.ID), http.StatusOK)
			st := s.WaitScreen("confirm-on-phone")
			if _, ok := s.button("cancel", ""); !ok {
				t.Errorf("no Cancel on the confirm-on-phone screen: %+v", st.Buttons)
			}
			held, err := s.admin.Held(ctx, acct.ID)
			if err != nil || len(held) != 1 || held[0].Amount != o.Total || held[0].TerminalID != s.cfg.POIID {
				t.Fatalf("phone lists %+v, %v; want the one payment of %d from %s", held, err, o.Total, s.cfg.POIID)
			}
			if got := s.Balance(acct.ID); got != 100000 {
				t.Fatalf("balance %d while waiting for the phone, want 100000", got)
			}
			tc.act(s, acct, held[0].OutTradeNo)
			out := waitPay(t, done)
			want, screen := int64(100000), "failed"
			if tc.paid {
				want, screen = 100000-o.Total, "paid"
			}
			if out.Paid != tc.paid {
				t.Errorf("POS told paid=%t (%s), want %t", out.Paid, out, tc.paid)
			}
			st = s.WaitScreen(screen)
			if !strings.Contains(st.Message, tc.msg) {
				t.Errorf("customer reads %q, want it to say %q", st.Message, tc.msg)
			}
			if got := s.Balance(acct.ID); got != want {
				t.Errorf("balance %d, want %d", got, want)
			}
			p, err := s.Host.Client.Query(ctx, held[0].OutTradeNo)
			if err != nil || p.Paid() != tc.paid || p.Status == payhost.StatusUserPaying {
				t.Errorf("host holds %+v, %v", p, err)
			}
			if err := s.Host.Host.Verify(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}
