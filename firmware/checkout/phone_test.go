package checkout

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// capturedFace is a direct session whose face charge (attempt 1) is in
// flight.
func capturedFace(t *testing.T) (State, Attempt) {
	t.Helper()
	s, _ := run(New(Config{HasScan: true, HasCamera: true, FaceKey: true, TerminalID: "PT1-0001"}),
		Tick{Now: epoch}, OrderReceived{Req: "r1", Order: orderPool(0), Mode: Direct},
		Touch{Action: ActConfirm}, Touch{Action: ActChooseFace}, FaceCaptured{Token: "face-token-1"})
	a, ok := s.Charging()
	if !ok || s.Method() != Face {
		t.Fatalf("no face charge in flight: %s", s.Phase())
	}
	return s, a
}

func shown(out []Effect) (View, bool) {
	for _, e := range out {
		if sh, ok := e.(Show); ok {
			return sh.View, true
		}
	}
	return View{}, false
}

// TestUserPaying: a charge the payer must confirm on the phone waits for
// them without timing out, queried about once a second, until the payment
// system says how it ended; the customer's Cancel or the POS's Abort
// reverses it, and only the payment system's "paid" makes it paid.
func TestUserPaying(t *testing.T) {
	paid := ChargeResult{Status: ChargePaid, Reference: "SBX0000000000000009"}
	tests := []struct {
		name string
		// then: after USERPAYING and an hour of waiting; "cancel" and
		// "abort" act before the answers.
		then     string
		answers  []ChargeResult
		asks     []string
		approved bool
		cond     Cond
		screen   Screen
	}{
		{"confirmed on the phone", "", []ChargeResult{paid}, nil, true, CondNone, ScreenPaid},
		{"refused on the phone", "", []ChargeResult{{Status: ChargeDeclined, Reason: "USER_REFUSED"}}, nil, false, CondDeclined, ScreenFailed},
		{"expired at the payment system", "", []ChargeResult{{Status: ChargeDeclined, Reason: "USERPAYING_EXPIRED"}}, nil, false, CondDeclined, ScreenFailed},
		{"customer cancels", "cancel", []ChargeResult{{Status: ChargeUserPaying}, {Status: ChargeReversed}}, []string{"reverse"}, false, CondCancelled, ScreenFailed},
		{"customer cancels, payer confirmed first: given back", "cancel", []ChargeResult{paid, {Status: ChargeReversed}}, []string{"reverse"}, false, CondCancelled, ScreenFailed},
		{"POS aborts", "abort", []ChargeResult{{Status: ChargeUserPaying}, {Status: ChargeReversed}}, []string{"reverse"}, false, CondAborted, ScreenFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, a := capturedDirect(t)
			req := s.Pending()
			s, out := Step(s, ChargeResult{Ref: a.Ref, Status: ChargeUserPaying})
			if v, ok := shown(out); !ok || v.Screen != ScreenConfirmOnPhone || v.Order == nil {
				t.Fatalf("USERPAYING showed %v, want the confirm-on-phone screen with the order", out)
			}
			if anyReply(out) {
				t.Fatal("USERPAYING answered the POS")
			}
			// An hour of waiting: no timeout, no reversal, a query about
			// once a second, each answered "still waiting".
			now := epoch
			queries := 0
			for range 3600 {
				now = now.Add(time.Second)
				s, out = Step(s, Tick{Now: now})
				for _, ask := range asksOf(out) {
					if ask != "query" {
						t.Fatalf("asked %s while the payer decides", ask)
					}
					queries++
					s, out = Step(s, ChargeResult{Ref: a.Ref, Status: ChargeUserPaying})
					if len(out) != 0 {
						t.Fatalf("a repeated USERPAYING did %v", out)
					}
				}
			}
			if s.Phase() != Captured || s.View().Screen != ScreenConfirmOnPhone {
				t.Fatalf("after an hour: %s on %s", s.Phase(), s.View().Screen)
			}
			if queries < 3000 {
				t.Errorf("%d queries in an hour, want about one a second", queries)
			}
			// One query is in flight now, or due.
			now = now.Add(time.Second)
			s, _ = Step(s, Tick{Now: now})
			switch tt.then {
			case "cancel":
				s, out = Step(s, Touch{Action: ActCancel})
			case "abort":
				s, out = Step(s, Abort{Reason: "sale voided"})
			}
			if tt.then != "" && anyReply(out) {
				t.Fatalf("%s answered before the reversal: %v", tt.then, out)
			}
			var asks []string
			var final []Effect
			for i, ans := range tt.answers {
				ans.Ref = a.Ref
				s, out = Step(s, ans)
				asks = append(asks, asksOf(out)...)
				if i == len(tt.answers)-1 {
					final = out
				}
				for range 5 {
					if len(asksOf(out)) > 0 || i == len(tt.answers)-1 {
						break
					}
					now = now.Add(time.Second)
					s, out = Step(s, Tick{Now: now})
					asks = append(asks, asksOf(out)...)
				}
			}
			if strings.Join(asks, ",") != strings.Join(tt.asks, ",") {
				t.Errorf("asked %v, want %v", asks, tt.asks)
			}
			r, ok := replyOf(final)
			switch {
			case !ok:
				t.Fatalf("no reply at the end: %v", final)
			case r.To != req || r.Approved != tt.approved || r.Cond != tt.cond:
				t.Errorf("reply %+v, want approved=%t cond=%s", r, tt.approved, tt.cond)
			case s.Phase() != Done || s.View().Screen != tt.screen:
				t.Errorf("customer sees %s in %s, want %s", s.View().Screen, s.Phase(), tt.screen)
			}
			s, _ = Step(s, Abort{})
			if s.Phase() != Idle {
				t.Errorf("Abort after the result left %s", s.Phase())
			}
		})
	}
}

// TestUserPayingSilence: a payment system that stops answering while the
// payer decides is queried with backoff and the attempt closed by a
// reversal, as any unanswered attempt.
func TestUserPayingSilence(t *testing.T) {
	s, a := capturedDirect(t)
	s, _ = Step(s, ChargeResult{Ref: a.Ref, Status: ChargeUserPaying})
	now := epoch
	var asks []string
	for range 120 {
		now = now.Add(time.Second)
		var out []Effect
		s, out = Step(s, Tick{Now: now})
		// Each answer may ask the next question at once.
		for pending := asksOf(out); len(pending) > 0; {
			ask := pending[0]
			asks = append(asks, ask)
			st := ChargeUnknown
			if ask == "reverse" {
				st = ChargeReversed
			}
			s, out = Step(s, ChargeResult{Ref: a.Ref, Status: st})
			pending = asksOf(out)
		}
		if s.Phase() == Done {
			break
		}
	}
	if want := "query,query,query,query,query,reverse"; strings.Join(asks, ",") != want {
		t.Errorf("asked %v, want %s", asks, want)
	}
	if s.Phase() != Done || s.View().Screen != ScreenFailed {
		t.Errorf("ended %s on %s", s.Phase(), s.View().Screen)
	}
}

// TestUserPayingRecovered: an attempt a restart left waiting for the
// payer is queried until the payment system says how it ended.
func TestUserPayingRecovered(t *testing.T) {
	s, _ := run(New(Config{HasScan: true}), Tick{Now: epoch})
	s, out := Step(s, Recovered{Attempts: []OpenAttempt{{Ref: "PT-o1-1", Req: "old/1", Amount: 2500, Currency: "EUR"}}})
	if strings.Join(asksOf(out), ",") != "query" {
		t.Fatalf("recovery asked %v", asksOf(out))
	}
	now := epoch
	for range 30 {
		s, _ = Step(s, ChargeResult{Ref: "PT-o1-1", Status: ChargeUserPaying})
		now = now.Add(time.Second)
		s, out = Step(s, Tick{Now: now})
		if strings.Join(asksOf(out), ",") != "query" {
			t.Fatalf("while the payer decides, asked %v", asksOf(out))
		}
	}
	s, out = Step(s, ChargeResult{Ref: "PT-o1-1", Status: ChargePaid, Reference: "SBX1"})
	var st Settle
	for _, e := range out {
		if e, ok := e.(Settle); ok {
			st = e
		}
	}
	if !st.Approved || st.Req != "old/1" || s.Recovering() != 0 {
		t.Errorf("settled %+v, recovering %d", st, s.Recovering())
	}
}

// digitsDeclined is a face charge declined with a request for the phone
// digits: the keypad is on screen.
func digitsDeclined(t *testing.T) (State, Attempt) {
	t.Helper()
	s, a := capturedFace(t)
	s, out := Step(s, ChargeResult{Ref: a.Ref, Status: ChargeDeclined, Reason: "PHONE_DIGITS_REQUIRED", Check: CheckPhoneDigits})
	if v, ok := shown(out); !ok || v.Screen != ScreenPhoneDigits || v.Digits != 0 || s.Phase() != PhoneDigits {
		t.Fatalf("close call showed %v in %s, want the keypad", out, s.Phase())
	}
	if anyReply(out) {
		t.Fatal("close call answered the POS before the digits")
	}
	return s, a
}

func keys(s State, digits string) (State, []Effect) {
	var out []Effect
	for _, d := range digits {
		s, out = Step(s, Touch{Action: ActDigit, Digit: int(d - '0')})
	}
	return s, out
}

// TestPhoneDigits: the keypad takes four digits (masked: the view holds
// only how many), Delete takes one back, OK charges the same face again
// as the next attempt carrying them; wrong digits get one more try.
func TestPhoneDigits(t *testing.T) {
	wrong := ChargeResult{Status: ChargeDeclined, Reason: "PHONE_DIGITS_WRONG", Check: CheckPhoneDigitsWrong}
	paid := ChargeResult{Status: ChargePaid, Reference: "SBX0000000000000002"}
	tests := []struct {
		name     string
		answers  []ChargeResult // to each charge with digits
		approved bool
		screen   Screen
	}{
		{"right digits", []ChargeResult{paid}, true, ScreenPaid},
		{"wrong, then right", []ChargeResult{wrong, paid}, true, ScreenPaid},
		{"wrong twice", []ChargeResult{wrong, wrong}, false, ScreenFailed},
		{"asked again with digits", []ChargeResult{{Status: ChargeDeclined, Reason: "PHONE_DIGITS_REQUIRED", Check: CheckPhoneDigits}}, false, ScreenFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, first := digitsDeclined(t)
			req := s.Pending()
			var out []Effect
			for i, ans := range tt.answers {
				s, out = keys(s, "129")
				if v, _ := shown(out); v.Digits != 3 {
					t.Fatalf("after 3 digits the view says %d", v.Digits)
				}
				s, out = Step(s, Touch{Action: ActEnter})
				if len(out) != 1 || out[0] != (Beep{OK: false}) {
					t.Fatalf("OK with 3 digits did %v", out)
				}
				s, _ = Step(s, Touch{Action: ActDelete})
				s, _ = keys(s, "456")
				if v := s.View(); v.Digits != 4 {
					t.Fatalf("view counts %d digits, want 4 (the fifth refused)", v.Digits)
				}
				s, out = Step(s, Touch{Action: ActEnter})
				var charge Charge
				for _, e := range out {
					switch e := e.(type) {
					case Charge:
						charge = e
					case Journal:
						if strings.Contains(fmt.Sprintf("%+v", e.Record), "1245") {
							t.Errorf("journal holds the digits: %+v", e.Record)
						}
					case Show:
						if strings.Contains(fmt.Sprintf("%+v", e.View), "1245") {
							t.Errorf("view holds the digits: %+v", e.View)
						}
					}
				}
				if charge.PhoneLast4 != "1245" || charge.Attempt.N != first.N+1+i || charge.Credential != (Credential{Method: Face, Code: "face-token-1"}) {
					t.Fatalf("charge with digits %+v", charge)
				}
				ans.Ref = charge.Attempt.Ref
				s, out = Step(s, ans)
				if i < len(tt.answers)-1 {
					if v, _ := shown(out); v.Screen != ScreenPhoneDigits || v.Message == "" || v.Digits != 0 {
						t.Fatalf("wrong digits showed %+v, want the keypad again, saying why", v)
					}
				}
			}
			r, ok := replyOf(out)
			if !ok || r.To != req || r.Approved != tt.approved || s.View().Screen != tt.screen || s.Phase() != Done {
				t.Errorf("reply %+v on %s in %s, want approved=%t on %s", r, s.View().Screen, s.Phase(), tt.approved, tt.screen)
			}
			if s.retryFace != (Credential{}) || s.digits != "" {
				t.Error("the face or the digits outlived the keypad")
			}
		})
	}
}

// TestPhoneDigitsEnds: the keypad ends by Cancel, the POS's Abort and its
// timeout, unpaid, and forgets the face and the digits.
func TestPhoneDigitsEnds(t *testing.T) {
	for _, tt := range []struct {
		name  string
		ev    Event
		phase Phase
		cond  Cond
	}{
		{"cancel", Touch{Action: ActCancel}, Done, CondCancelled},
		{"abort", Abort{Reason: "voided"}, Idle, CondAborted},
		{"timeout", Tick{Now: epoch.Add(DefaultTimeouts.Capture)}, Done, CondTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := digitsDeclined(t)
			s, _ = keys(s, "12")
			s, out := Step(s, tt.ev)
			r, ok := replyOf(out)
			if !ok || r.Approved || r.Cond != tt.cond || s.Phase() != tt.phase {
				t.Errorf("%s: reply %+v, %s; want cond %s in %s", tt.name, r, s.Phase(), tt.cond, tt.phase)
			}
			for _, e := range out {
				if _, ok := e.(Charge); ok {
					t.Error("charged on the way out")
				}
			}
			if s.retryFace != (Credential{}) || s.digits != "" {
				t.Error("the face or the digits outlived the keypad")
			}
		})
	}
}

// TestPhoneDigitsOnlyForFaces: a code declined with the check is a plain
// decline.
func TestPhoneDigitsOnlyForFaces(t *testing.T) {
	s, a := capturedDirect(t)
	s, out := Step(s, ChargeResult{Ref: a.Ref, Status: ChargeDeclined, Reason: "PHONE_DIGITS_REQUIRED", Check: CheckPhoneDigits})
	if r, ok := replyOf(out); !ok || r.Approved || s.Phase() != Done {
		t.Errorf("code declined with the check: reply %+v in %s", r, s.Phase())
	}
}
