package checkout

import (
	"strings"
	"testing"
	"time"
)

// capturedDirect is a direct session whose charge (attempt 1) is in flight.
func capturedDirect(t *testing.T) (State, Attempt) {
	t.Helper()
	s := reach(t, Config{HasScan: true, TerminalID: "PT1-0001"}, Captured, Direct)
	a, ok := s.Charging()
	if !ok {
		t.Fatal("no charge in flight in a direct Captured session")
	}
	return s, a
}

// TestChargeResolution: every way an attempt can end, from the payment
// system's answers, with what the POS and the customer are told.
func TestChargeResolution(t *testing.T) {
	paid := ChargeResult{Status: ChargePaid, Reference: "SBX0000000000000001"}
	unknown := ChargeResult{Status: ChargeUnknown}
	tests := []struct {
		name     string
		abort    bool // an AbortRequest arrives right after the charge left
		answers  []ChargeResult
		asks     []string // the effects the answers led to, in order
		approved bool
		cond     Cond
		screen   Screen
	}{
		{"paid", false, []ChargeResult{paid}, nil, true, CondNone, ScreenPaid},
		{"declined", false, []ChargeResult{{Status: ChargeDeclined, Reason: "INSUFFICIENT_FUNDS"}}, nil, false, CondDeclined, ScreenFailed},
		{"lost answer, query says paid", false, []ChargeResult{unknown, paid}, []string{"query"}, true, CondNone, ScreenPaid},
		{"lost answer, never arrived", false, []ChargeResult{unknown, {Status: ChargeNotFound}, {Status: ChargeReversed}},
			[]string{"query", "reverse"}, false, CondNotCharged, ScreenFailed},
		{"host unreachable: queries then reversal", false,
			[]ChargeResult{unknown, unknown, unknown, unknown, unknown, unknown, unknown, {Status: ChargeReversed}},
			[]string{"query", "query", "query", "query", "query", "reverse", "reverse"}, false, CondNotCharged, ScreenFailed},
		{"abort, charge went through: reversed", true, []ChargeResult{paid, {Status: ChargeReversed}}, []string{"reverse"}, false, CondAborted, ScreenFailed},
		{"abort, charge declined", true, []ChargeResult{{Status: ChargeDeclined}}, nil, false, CondAborted, ScreenFailed},
		{"abort, answer lost: reversed", true, []ChargeResult{unknown, {Status: ChargeReversed}}, []string{"reverse"}, false, CondAborted, ScreenFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := capturedDirect(t)
			req := s.Pending()
			now := epoch
			if tt.abort {
				var out []Effect
				s, out = Step(s, Abort{Reason: "sale voided"})
				if s.Phase() != Captured || s.Pending() != req || anyReply(out) {
					t.Fatalf("abort with a charge in flight: %s, replies %v; want it still resolving", s.Phase(), out)
				}
			}
			var asks []string
			var final []Effect
			for i, ans := range tt.answers {
				ans.Ref = a.Ref
				var out []Effect
				s, out = Step(s, ans)
				if i == len(tt.answers)-1 {
					final = out
					break
				}
				// Whatever the answer did not ask at once, a later Tick asks.
				for range 20 {
					if len(asksOf(out)) > 0 {
						break
					}
					now = now.Add(time.Second)
					s, out = Step(s, Tick{Now: now})
				}
				asks = append(asks, asksOf(out)...)
			}
			if strings.Join(asks, ",") != strings.Join(tt.asks, ",") {
				t.Errorf("asked %v, want %v", asks, tt.asks)
			}
			r, ok := replyOf(final)
			switch {
			case !ok:
				t.Fatalf("no reply to the POS at the end: %v", final)
			case r.To != req || r.Approved != tt.approved || r.Cond != tt.cond || r.Ref != a.Ref:
				t.Errorf("reply %+v, want to %s approved=%t cond=%s attempt %s", r, req, tt.approved, tt.cond, a.Ref)
			case s.View().Screen != tt.screen || s.Phase() != Done:
				t.Errorf("customer sees %s in %s, want %s", s.View().Screen, s.Phase(), tt.screen)
			}
			if _, open := s.Charging(); open {
				t.Error("attempt still open after its outcome")
			}
		})
	}
}

func asksOf(out []Effect) []string {
	var a []string
	for _, e := range out {
		switch e.(type) {
		case QueryCharge:
			a = append(a, "query")
		case ReverseCharge:
			a = append(a, "reverse")
		}
	}
	return a
}

func replyOf(out []Effect) (Reply, bool) {
	for _, e := range out {
		if r, ok := e.(Reply); ok {
			return r, true
		}
	}
	return Reply{}, false
}

func anyReply(out []Effect) bool { _, ok := replyOf(out); return ok }

// TestChargeInFlight: neither the phase timeout nor the POS hanging up ends
// a charge in flight; the attempt is journaled before it leaves, under a
// name derived from terminal, order hash and attempt number.
func TestChargeInFlight(t *testing.T) {
	s := reach(t, Config{HasScan: true, TerminalID: "PT1-0001"}, Capturing, Direct)
	req := s.Pending()
	s, out := Step(s, CodeScanned{Code: "134567890123456789"})
	var attempt Record
	journaledFirst := false
	for _, e := range out {
		switch e := e.(type) {
		case Journal:
			if e.Record.Kind == RecordAttempt {
				attempt, journaledFirst = e.Record, true
			}
		case Charge:
			if !journaledFirst {
				t.Fatal("charge left before its attempt was journaled")
			}
			if e.Attempt.Ref != attempt.Ref || e.Attempt.N != 1 || e.Req != req {
				t.Errorf("charge %+v, journaled attempt %+v", e.Attempt, attempt)
			}
		}
	}
	want := AttemptRef("PT1-0001", s.Confirmed(), 1)
	if attempt.Ref != want || attempt.Req != req || attempt.Amount == 0 || attempt.Currency == "" {
		t.Errorf("attempt record %+v, want ref %s for %s with amount and currency", attempt, want, req)
	}
	if strings.Contains(attempt.Detail, "134567890123456789") {
		t.Error("the attempt record holds the payment code")
	}
	s, out = Step(s, Abort{Req: req, Hangup: true})
	if s.Phase() != Captured || len(out) != 0 {
		t.Errorf("hang-up during a charge: %s %v, want the charge to go on", s.Phase(), out)
	}
	s, _ = Step(s, Tick{Now: epoch.Add(24 * time.Hour)})
	if s.Phase() != Captured {
		t.Errorf("a day later: %s, want the charge still awaiting its answer", s.Phase())
	}
	s, out = Step(s, ChargeResult{Ref: want, Status: ChargePaid, Reference: "SBX0000000000000001"})
	if r, ok := replyOf(out); !ok || !r.Approved || r.To != req || r.Reference != "SBX0000000000000001" {
		t.Errorf("final answer %v, want approved to %s: TransactionStatus repeats it", out, req)
	}
}

// TestAlreadyPaid: an order this terminal charged before is answered with
// that first payment, without the customer or a second charge.
func TestAlreadyPaid(t *testing.T) {
	h := History{Attempts: 1, Paid: true, Ref: "PT1-0001-o1-1", Reference: "SBX0000000000000001"}
	s, out := Step(New(Config{HasScan: true}), OrderReceived{Req: "r2", Order: orderPool(0), Mode: Direct, History: h})
	r, ok := replyOf(out)
	if !ok || !r.Approved || r.Reference != h.Reference || r.Ref != h.Ref {
		t.Fatalf("repeat of a paid order: %v, want the first payment", out)
	}
	for _, e := range out {
		if _, ok := e.(Charge); ok {
			t.Error("a paid order was charged again")
		}
	}
	if s.View().Screen != ScreenPaid {
		t.Errorf("customer sees %s, want paid", s.View().Screen)
	}
}

// TestRecovered: attempts a restart left open are resolved before any new
// order, each settled for TransactionStatus.
func TestRecovered(t *testing.T) {
	s := New(Config{HasScan: true})
	s, _ = Step(s, Tick{Now: epoch})
	open := []OpenAttempt{
		{Ref: "PT-o1-1", Req: "pos/7", Amount: 2350, Currency: "CNY"},
		{Ref: "PT-o2-1", Req: "pos/8", Amount: 100, Currency: "CNY"},
	}
	s, out := Step(s, Recovered{Attempts: open})
	if got := asksOf(out); len(got) != 1 || got[0] != "query" {
		t.Fatalf("recovery asked %v, want one query", got)
	}
	if _, out := Step(s, OrderReceived{Req: "pos/9", Order: orderPool(0), Mode: Direct}); !refusedBusy(out) {
		t.Errorf("order while resolving: %v, want busy", out)
	}
	s, out = Step(s, ChargeResult{Ref: "PT-o1-1", Status: ChargePaid, Reference: "SBX0000000000000003"})
	st, ok := settleOf(out)
	if !ok || st.Req != "pos/7" || !st.Approved || st.Reference != "SBX0000000000000003" || st.Amount != 2350 {
		t.Errorf("first settle %+v", st)
	}
	if v := s.View(); v.Screen != ScreenPaid {
		t.Errorf("customer sees %s after the interrupted payment was found paid, want paid", v.Screen)
	}
	if got := asksOf(out); len(got) != 1 {
		t.Fatalf("second attempt not queried: %v", out)
	}
	s, out = Step(s, ChargeResult{Ref: "PT-o2-1", Status: ChargeNotFound})
	if got := asksOf(out); len(got) != 1 || got[0] != "reverse" {
		t.Fatalf("unknown attempt not reversed: %v", out)
	}
	s, out = Step(s, ChargeResult{Ref: "PT-o2-1", Status: ChargeReversed})
	if st, ok := settleOf(out); !ok || st.Approved || st.Cond != CondNotCharged {
		t.Errorf("second settle %+v, want not charged", st)
	}
	if s.Recovering() != 0 {
		t.Fatalf("%d still recovering", s.Recovering())
	}
	if s, _ = Step(s, OrderReceived{Req: "pos/10", Order: orderPool(0), Mode: Direct}); s.Phase() != OrderShown {
		t.Errorf("order after recovery: %s", s.Phase())
	}
}

func settleOf(out []Effect) (Settle, bool) {
	for _, e := range out {
		if st, ok := e.(Settle); ok {
			return st, true
		}
	}
	return Settle{}, false
}

func refusedBusy(out []Effect) bool {
	r, ok := replyOf(out)
	return ok && r.Kind == ReplyRefused && r.Cond == CondBusy
}

// TestStorage: with storage unhealthy no order is taken; a journal
// failure before a credential leaves ends the session unpaid, and one
// after a charge left keeps resolving it.
func TestStorage(t *testing.T) {
	s, _ := Step(New(Config{HasScan: true}), Health{Storage: "data partition missing: running from tmpfs"})
	s, out := Step(s, OrderReceived{Req: "r1", Order: orderPool(0), Mode: Direct})
	if r, ok := replyOf(out); !ok || r.Cond != CondStorage || s.View().Screen != ScreenRefused {
		t.Errorf("order with storage lost: %v, screen %s", out, s.View().Screen)
	}

	c := reach(t, Config{HasScan: true}, Capturing, Relay)
	c, out = Step(c, JournalFailed{Kind: RecordCaptured, Err: "disk full"})
	if r, ok := replyOf(out); !ok || r.Cond != CondStorage || r.Kind != ReplyResult || c.Phase() != Done {
		t.Errorf("journal failure while capturing: %v in %s", out, c.Phase())
	}
	for _, e := range out {
		if _, ok := e.(Journal); ok {
			t.Error("answered a failed journal with another journal record")
		}
	}

	d, a := capturedDirect(t)
	d, out = Step(d, JournalFailed{Kind: RecordOutcome, Err: "disk full"})
	if d.Phase() != Captured || anyReply(out) {
		t.Fatalf("journal failure with a charge in flight: %s %v; want it still resolving", d.Phase(), out)
	}
	d, out = Step(d, Tick{Now: epoch.Add(time.Minute)})
	if got := asksOf(out); len(got) != 1 || got[0] != "query" {
		t.Errorf("charge not asked again after the journal failed: %v", out)
	}
	_ = a
}

// TestOutcomeOwner: a relay outcome counts only from the session's owner
// and for the session it names; an Abort from another POS changes nothing.
func TestOutcomeOwner(t *testing.T) {
	s := New(Config{HasScan: true})
	s, _ = Step(s, OrderReceived{Req: "a/1", Order: orderPool(0), Mode: Relay, Owner: "a|k1"})
	s, _ = run(s, Touch{Action: ActConfirm}, Touch{Action: ActChooseCode}, CodeScanned{Code: "134567890123456789"})
	if s.Phase() != Captured {
		t.Fatalf("phase %s", s.Phase())
	}
	for _, ev := range []Event{
		Outcome{Req: "a/1", Owner: "b|k1", Approved: true},
		Outcome{Req: "a/2", Owner: "a|k1", Approved: true},
		Abort{Owner: "b|k1", Reason: "not mine"},
	} {
		if next, out := Step(s, ev); next.Phase() != Captured || len(out) != 0 {
			t.Errorf("%s: %s %v, want ignored", formatEvent(ev), next.Phase(), out)
		}
	}
	if next, _ := Step(s, Outcome{Req: "a/1", Owner: "a|k1", Approved: true}); next.View().Screen != ScreenPaid {
		t.Errorf("owner's outcome: %s", next.View().Screen)
	}
}

// TestRecoveredRelay: the outcome of a relay credential released just
// before a restart is still taken from the POS and shown to the customer.
func TestRecoveredRelay(t *testing.T) {
	s := New(Config{HasScan: true})
	s, _ = Step(s, Recovered{Relay: []OpenRelay{{Req: "pos/5", Hash: [32]byte{5}}}})
	if !s.AwaitsOutcome("pos/5", "pos") || s.AwaitsOutcome("pos/6", "pos") {
		t.Fatal("recovered relay credential not awaiting its outcome")
	}
	s, out := Step(s, Outcome{Req: "pos/5", Approved: true, Reference: "SBX0000000000000005"})
	if v := s.View(); v.Screen != ScreenPaid || v.Hash != [32]byte{5} || !hasEffect[Journal](out) {
		t.Errorf("outcome after restart: screen %s hash %x effects %v", v.Screen, v.Hash[:2], out)
	}
	if s.AwaitsOutcome("pos/5", "pos") {
		t.Error("outcome taken twice")
	}
	// Unreported ones are forgotten after the outcome timeout.
	s = New(Config{HasScan: true})
	s, _ = Step(s, Recovered{Relay: []OpenRelay{{Req: "pos/7"}}})
	s, _ = Step(s, Tick{Now: epoch})
	s, _ = Step(s, Tick{Now: epoch.Add(DefaultTimeouts.Outcome)})
	if s.AwaitsOutcome("pos/7", "") {
		t.Error("recovered relay credential still awaited after the outcome timeout")
	}
}

// TestNoMethodRefused: an order no fitted reader can pay is refused
// before the customer is asked to confirm it.
func TestNoMethodRefused(t *testing.T) {
	s, out := Step(New(Config{}), OrderReceived{Req: "r1", Order: orderPool(0), Mode: Relay})
	if r, ok := replyOf(out); !ok || r.Cond != CondNoMethod || s.Phase() != Refused {
		t.Errorf("order without readers: %s %v", s.Phase(), out)
	}
}

// TestRecoveredEnded: a payment the journal shows ended before the
// restart is shown to the customer who waited through it.
func TestRecoveredEnded(t *testing.T) {
	s, _ := Step(New(Config{HasScan: true}), Recovered{Ended: []Settle{{Req: "pos/1", Approved: true, Hash: [32]byte{4}}}})
	if v := s.View(); v.Screen != ScreenPaid || v.Hash != [32]byte{4} {
		t.Errorf("after the restart the customer sees %s for %x", v.Screen, v.Hash[:2])
	}
}
