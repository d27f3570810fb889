package checkout

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"payterm/firmware/order"
)

// run steps s through events and returns the final state and the last
// step's effects.
func run(s State, events ...Event) (State, []Effect) {
	var out []Effect
	for _, ev := range events {
		s, out = Step(s, ev)
	}
	return s, out
}

// pathTo lists the events that bring a fresh machine to phase p.
func pathTo(p Phase, mode Mode) []Event {
	o := orderPool(0)
	start := []Event{Tick{Now: epoch}, OrderReceived{Req: "r1", Order: o, Mode: mode}}
	switch p {
	case Idle:
		return start[:1]
	case OrderShown:
		return start
	case Flagged:
		return append(start, Touch{Action: ActToggleLine, Line: "1"}, Touch{Action: ActReport})
	case Confirmed:
		return append(start, Touch{Action: ActConfirm})
	case Capturing:
		return append(start, Touch{Action: ActConfirm}, Touch{Action: ActChooseCode})
	case Captured:
		return append(pathTo(Capturing, mode), CodeScanned{Code: "123456789012"})
	case Done:
		return append(start, Touch{Action: ActCancel})
	case Refused:
		o.Total++
		return []Event{Tick{Now: epoch}, OrderReceived{Req: "r1", Order: o, Mode: mode}}
	case Asking:
		return []Event{Tick{Now: epoch}, Ask{Req: "q1", Text: "Would you like a receipt?"}}
	}
	panic("no path to " + p.String())
}

func reach(t *testing.T, cfg Config, p Phase, mode Mode) State {
	t.Helper()
	s, _ := run(New(cfg), pathTo(p, mode)...)
	if s.Phase() != p {
		t.Fatalf("path to %s ended in %s", p, s.Phase())
	}
	return s
}

var allPhases = []Phase{Idle, OrderShown, Flagged, Confirmed, Capturing, Captured, Done, Refused, Asking}

func TestNewTimeouts(t *testing.T) {
	tests := []struct {
		name string
		in   Timeouts
		want Timeouts
	}{
		{"zero means defaults", Timeouts{}, DefaultTimeouts},
		{"set values kept", Timeouts{Order: time.Second, Flagged: 2 * time.Second, Method: 3 * time.Second,
			Capture: 4 * time.Second, Outcome: 5 * time.Second, Result: 6 * time.Second, Question: 7 * time.Second, Document: 8 * time.Second},
			Timeouts{Order: time.Second, Flagged: 2 * time.Second, Method: 3 * time.Second,
				Capture: 4 * time.Second, Outcome: 5 * time.Second, Result: 6 * time.Second, Question: 7 * time.Second, Document: 8 * time.Second}},
		{"zero and negative fields defaulted", Timeouts{Order: time.Second, Result: -time.Second, Question: -time.Second},
			Timeouts{Order: time.Second, Flagged: DefaultTimeouts.Flagged, Method: DefaultTimeouts.Method,
				Capture: DefaultTimeouts.Capture, Outcome: DefaultTimeouts.Outcome, Result: DefaultTimeouts.Result,
				Question: DefaultTimeouts.Question, Document: DefaultTimeouts.Document}},
		{"only the question set", Timeouts{Question: 5 * time.Second},
			Timeouts{Order: DefaultTimeouts.Order, Flagged: DefaultTimeouts.Flagged, Method: DefaultTimeouts.Method,
				Capture: DefaultTimeouts.Capture, Outcome: DefaultTimeouts.Outcome, Result: DefaultTimeouts.Result,
				Question: 5 * time.Second, Document: DefaultTimeouts.Document}},
	}
	for _, tt := range tests {
		if got := New(Config{Timeouts: tt.in}).Config().Timeouts; got != tt.want {
			t.Errorf("%s: timeouts %+v, want %+v", tt.name, got, tt.want)
		}
	}
	s := New(Config{})
	if s.Phase() != Idle || s.Pending() != "" || s.View().Screen != ScreenIdle {
		t.Errorf("New: %s pending %q screen %s; want idle", s.Phase(), s.Pending(), s.View().Screen)
	}
}

// TestPhaseTimeouts: each phase ends after its own timeout and not before.
func TestPhaseTimeouts(t *testing.T) {
	cfg := Config{HasScan: true, Timeouts: Timeouts{Order: 11 * time.Second, Flagged: 13 * time.Second,
		Method: 17 * time.Second, Capture: 19 * time.Second, Outcome: 23 * time.Second, Result: 29 * time.Second,
		Question: 31 * time.Second}}
	tests := []struct {
		phase Phase
		after time.Duration
		next  Phase
	}{
		{OrderShown, cfg.Timeouts.Order, Done},
		{Flagged, cfg.Timeouts.Flagged, Done},
		{Confirmed, cfg.Timeouts.Method, Done},
		{Capturing, cfg.Timeouts.Capture, Done},
		{Captured, cfg.Timeouts.Outcome, Done},
		{Done, cfg.Timeouts.Result, Idle},
		{Refused, cfg.Timeouts.Result, Idle},
		{Asking, cfg.Timeouts.Question, Idle},
	}
	for _, tt := range tests {
		mode := Direct
		if tt.phase == Captured {
			mode = Relay // a direct charge in flight does not time out (TestChargeInFlight)
		}
		s := reach(t, cfg, tt.phase, mode)
		d, ok := s.Deadline()
		if !ok || d != epoch.Add(tt.after) {
			t.Errorf("%s: deadline %v %t, want %v", tt.phase, d.Sub(epoch), ok, tt.after)
		}
		if early, _ := Step(s, Tick{Now: epoch.Add(tt.after - time.Nanosecond)}); early.Phase() != tt.phase {
			t.Errorf("%s ended %v early", tt.phase, time.Nanosecond)
		}
		if late, _ := Step(s, Tick{Now: epoch.Add(tt.after)}); late.Phase() != tt.next {
			t.Errorf("%s after %v: %s, want %s", tt.phase, tt.after, late.Phase(), tt.next)
		}
	}
}

// TestDeadlineWaitsForFirstTick: with no Tick yet there is no time to
// count from; the first Tick starts the phase's timeout.
func TestDeadlineWaitsForFirstTick(t *testing.T) {
	s, _ := Step(New(Config{HasScan: true}), OrderReceived{Req: "r1", Order: orderPool(0)})
	if _, ok := s.Deadline(); ok {
		t.Fatal("deadline armed before any Tick")
	}
	later := epoch.Add(1000 * time.Hour)
	s, out := Step(s, Tick{Now: later})
	if s.Phase() != OrderShown || len(out) != 0 {
		t.Fatalf("first Tick ended the phase: %s %v", s.Phase(), out)
	}
	if d, ok := s.Deadline(); !ok || d != later.Add(DefaultTimeouts.Order) {
		t.Fatalf("deadline %v %t, want first Tick + Order timeout", d, ok)
	}
}

// TestBusy: a new request during an active session is refused "busy" and
// nothing else changes.
func TestBusy(t *testing.T) {
	for _, p := range []Phase{OrderShown, Confirmed, Capturing, Captured} {
		for _, mode := range []Mode{Relay, Direct} {
			s := reach(t, Config{HasScan: true}, p, mode)
			next, out := Step(s, OrderReceived{Req: "r2", Order: orderPool(2), Mode: Relay})
			if !reflect.DeepEqual(next, s) {
				t.Errorf("%s %s: busy request changed the session", p, mode)
			}
			want := []Effect{Reply{To: "r2", Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
			if !reflect.DeepEqual(out, want) {
				t.Errorf("%s %s: effects %v, want %v", p, mode, out, want)
			}
		}
	}
}

// TestOrderIgnored: an OrderReceived nobody can be answered for changes
// nothing.
func TestOrderIgnored(t *testing.T) {
	for _, p := range allPhases {
		s := reach(t, Config{HasScan: true}, p, Relay)
		for _, req := range []RequestID{"", s.Pending()} {
			if req == "" && s.Pending() != "" {
				continue
			}
			next, out := Step(s, OrderReceived{Req: req, Order: orderPool(0)})
			if !reflect.DeepEqual(next, s) || len(out) != 0 {
				t.Errorf("%s: OrderReceived{Req: %q} gave %s %v", p, req, next.Phase(), out)
			}
		}
	}
}

func TestPaymentCodes(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"1", true},
		{"123456789012345678", true},
		{strings.Repeat("9", MaxPaymentCode), true},
		{strings.Repeat("9", MaxPaymentCode+1), false},
		{"", false},
		{"12 34", false},
		{"1234a", false},
		{"١٢٣", false}, // Arabic-Indic digits are not ASCII digits
		{"-123", false},
		{"123\n", false},
	}
	for _, tt := range tests {
		s := reach(t, Config{HasScan: true}, Capturing, Relay)
		next, out := Step(s, CodeScanned{Code: tt.code})
		if tt.ok {
			if next.Phase() != Captured || !hasReply(out, ReplyCredential) {
				t.Errorf("code %q refused: %s %v", tt.code, next.Phase(), out)
			}
			continue
		}
		if !reflect.DeepEqual(next, s) || !reflect.DeepEqual(out, []Effect{Beep{OK: false}}) {
			t.Errorf("code %q: %s %v; want a failed beep and no change", tt.code, next.Phase(), out)
		}
	}
}

func TestFaceTokens(t *testing.T) {
	for _, tt := range []struct {
		token string
		ok    bool
	}{{"tok", true}, {strings.Repeat("t", MaxFaceToken), true}, {strings.Repeat("t", MaxFaceToken+1), false}, {"", false}} {
		s, _ := run(reach(t, Config{HasCamera: true, FaceKey: true}, Confirmed, Direct), Touch{Action: ActChooseFace})
		next, out := Step(s, FaceCaptured{Token: tt.token})
		if got := next.Phase() == Captured && hasEffect[Charge](out); got != tt.ok {
			t.Errorf("face token of %d bytes: accepted %t, want %t", len(tt.token), got, tt.ok)
		}
	}
}

// TestDevices: which device reads what, for every fitting.
func TestDevices(t *testing.T) {
	tests := []struct {
		cfg     Config
		methods []Method
		code    Effect // started for ActChooseCode
	}{
		{Config{HasScan: true, HasCamera: true, FaceKey: true}, []Method{Code, Face}, StartScanner{}},
		{Config{HasScan: true}, []Method{Code}, StartScanner{}},
		{Config{HasScan: true, FaceKey: true}, []Method{Code}, StartScanner{}},
		{Config{HasCamera: true, FaceKey: true}, []Method{Code, Face}, StartCamera{Purpose: Code}},
		// No face key: the camera reads codes, no face is offered.
		{Config{HasScan: true, HasCamera: true}, []Method{Code}, StartScanner{}},
		{Config{HasCamera: true}, []Method{Code}, StartCamera{Purpose: Code}},
	}
	for _, tt := range tests {
		s := reach(t, tt.cfg, Confirmed, Relay)
		if got := s.View().Methods; !reflect.DeepEqual(got, tt.methods) {
			t.Errorf("%+v: methods %v, want %v", tt.cfg, got, tt.methods)
		}
		_, out := Step(s, Touch{Action: ActChooseCode})
		if tt.code == nil && len(out) != 0 || tt.code != nil && (len(out) == 0 || out[0] != tt.code) {
			t.Errorf("%+v: choose code gave %v, want %v first", tt.cfg, out, tt.code)
		}
		face := slices.Contains(tt.methods, Face)
		next, out := Step(s, Touch{Action: ActChooseFace})
		if face != (next.Phase() == Capturing) {
			t.Errorf("%+v: choose face → %s", tt.cfg, next.Phase())
		}
		if face && (len(out) == 0 || out[0] != StartCamera{Purpose: Face, Hash: s.Confirmed()}) {
			t.Errorf("%+v: choose face gave %v", tt.cfg, out)
		}
	}
}

// TestRefusals: every way an order can be invalid is refused, the POS gets
// Validate's error and the customer a sentence that names the problem.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*order.Order)
		mode   Mode
		want   error
	}{
		{"total", func(o *order.Order) { o.Total++ }, Relay, order.ErrTotalMismatch},
		{"currency", func(o *order.Order) { o.Currency = order.Currency{Code: "XXX", Exponent: 2} }, Relay, order.ErrUnknownCurrency},
		{"empty", func(o *order.Order) { o.Lines = nil }, Relay, order.ErrEmpty},
		{"many lines", func(o *order.Order) { o.Lines = make([]order.Line, order.MaxLines+1) }, Relay, order.ErrTooManyLines},
		{"many discounts", func(o *order.Order) { o.Discounts = make([]order.Discount, order.MaxDiscounts+1) }, Relay, order.ErrTooManyDiscnts},
		{"line amount", func(o *order.Order) { o.Lines[0].Amount++; o.Total++ }, Relay, order.ErrLineAmount},
		{"duplicate", func(o *order.Order) { o.Lines[1].ID = o.Lines[0].ID }, Relay, order.ErrDuplicateLine},
		{"negative", func(o *order.Order) { o.Lines[0].UnitPrice = -1 }, Relay, order.ErrNegative},
		{"control char", func(o *order.Order) { o.Lines[0].Label = "a\x00" }, Relay, order.ErrField},
		{"mode", func(o *order.Order) {}, Mode(9), errUnknownMode},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		o := orderPool(0)
		tt.mutate(&o)
		s, out := Step(reach(t, Config{HasScan: true}, Idle, Relay), OrderReceived{Req: "r9", Order: o, Mode: tt.mode})
		if s.Phase() != Refused || len(out) != 3 {
			t.Errorf("%s: %s %v, want refused with journal, reply, show", tt.name, s.Phase(), out)
			continue
		}
		j, r, v := out[0].(Journal), out[1].(Reply), out[2].(Show)
		if j.Record.Kind != RecordRefused || r.Kind != ReplyRefused || r.To != "r9" || v.View.Screen != ScreenRefused {
			t.Errorf("%s: effects %v", tt.name, out)
		}
		err := check(&o, tt.mode)
		if !errors.Is(err, tt.want) || r.Reason != err.Error() {
			t.Errorf("%s: reason %q, want the error %v", tt.name, r.Reason, tt.want)
		}
		msg := v.View.Message
		if prev, dup := seen[msg]; dup || msg == "" {
			t.Errorf("%s: customer message %q not specific (also for %s)", tt.name, msg, prev)
		}
		seen[msg] = tt.name
	}
}

// TestCorrectionNeedsFreshConfirm: after the cashier's correction the
// marks are gone and the customer confirms the new order, whose hash the
// credential then carries.
func TestCorrectionNeedsFreshConfirm(t *testing.T) {
	s := reach(t, Config{HasScan: true}, Flagged, Relay)
	fixed := orderPool(1)
	s, out := Step(s, OrderReceived{Req: "r2", Order: fixed, Mode: Relay})
	v := s.View()
	if s.Phase() != OrderShown || !v.Corrected || len(v.Marked) != 0 || s.Hash() != fixed.Hash() || s.Pending() != "r2" {
		t.Fatalf("after correction: %s corrected=%t marked=%v pending=%q", s.Phase(), v.Corrected, v.Marked, s.Pending())
	}
	if !s.Confirmed().IsZero() {
		t.Fatal("corrected order counts as confirmed")
	}
	s, out = run(s, Touch{Action: ActConfirm}, Touch{Action: ActChooseCode}, CodeScanned{Code: "555555555555"})
	var cred Reply
	for _, e := range out {
		if r, ok := e.(Reply); ok {
			cred = r
		}
	}
	if cred.Kind != ReplyCredential || cred.To != "r2" || cred.Hash != fixed.Hash() {
		t.Fatalf("credential %+v, want one to r2 bound to the corrected hash", cred)
	}
}

// TestEventOrderCopied: the POS's order may be reused by the caller; the
// machine keeps its own copy.
func TestEventOrderCopied(t *testing.T) {
	o := orderPool(0)
	want := o.Hash()
	s, _ := Step(New(Config{HasScan: true}), OrderReceived{Req: "r1", Order: o})
	o.Lines[0].Label = "changed after sending"
	if s.Hash() != want || s.View().Order.Hash() != want {
		t.Fatal("the machine's order changed with the caller's")
	}
}

func TestUnknownEvent(t *testing.T) {
	s := reach(t, Config{HasScan: true}, Capturing, Relay)
	if next, out := Step(s, nil); !reflect.DeepEqual(next, s) || out != nil {
		t.Fatalf("nil event changed the state: %v", out)
	}
}

// TestAbortEveryPhase: from every phase Abort reaches Idle with an idle
// screen, answering the pending request and journaling active sessions —
// but for a direct charge in flight, which it reverses first
// (TestChargeResolution).
func TestAbortEveryPhase(t *testing.T) {
	for _, p := range allPhases {
		for _, mode := range []Mode{Relay, Direct} {
			if p == Captured && mode == Direct {
				continue
			}
			s := reach(t, Config{HasScan: true}, p, mode)
			next, out := Step(s, Abort{Reason: "test"})
			if next.Phase() != Idle || next.View().Screen != ScreenIdle {
				t.Errorf("%s %s: abort → %s", p, mode, next.Phase())
			}
			if got := hasEffect[Journal](out); got != active(p) {
				t.Errorf("%s %s: journaled %t, want %t", p, mode, got, active(p))
			}
			answer := ReplyResult
			if p == Asking {
				answer = ReplyAnswer
			}
			if s.Pending() != "" && !hasReply(out, answer) {
				t.Errorf("%s %s: pending %q not answered with %d", p, mode, s.Pending(), answer)
			}
		}
	}
}

func hasEffect[T Effect](out []Effect) bool {
	for _, e := range out {
		if _, ok := e.(T); ok {
			return true
		}
	}
	return false
}

func hasReply(out []Effect, k ReplyKind) bool {
	for _, e := range out {
		if r, ok := e.(Reply); ok && r.Kind == k {
			return true
		}
	}
	return false
}

func BenchmarkStepSession(b *testing.B) {
	events := append(pathTo(Captured, Direct), Outcome{Approved: true}, Touch{Action: ActDismiss})
	cfg := Config{HasScan: true, HasCamera: true, FaceKey: true}
	for b.Loop() {
		run(New(cfg), events...)
	}
}

// TestNames: every value has its own name; values out of range, negative
// ones included, print a placeholder instead of panicking.
func TestNames(t *testing.T) {
	for _, tt := range []struct {
		names []string
		name  func(int) string
	}{
		{phaseNames[:], func(i int) string { return Phase(i).String() }},
		{actionNames[:], func(i int) string { return Action(i).String() }},
		{screenNames[:], func(i int) string { return Screen(i).String() }},
	} {
		seen := map[string]bool{}
		for i := range tt.names {
			if n := tt.name(i); n == "" || seen[n] || strings.HasSuffix(n, "?") {
				t.Errorf("value %d named %q (twice, or a placeholder)", i, n)
			} else {
				seen[n] = true
			}
		}
		for _, i := range []int{-1, len(tt.names), 1 << 30} {
			if n := tt.name(i); !strings.HasSuffix(n, "?") {
				t.Errorf("value %d out of range named %q", i, n)
			}
		}
	}
	if ActYes.String() != "yes" || ActNo.String() != "no" || ScreenQuestion.String() != "question" || Asking.String() != "asking" {
		t.Error("new names out of step with their constants")
	}
}

// TestSwitchReader: with a scanner and a camera the customer may read
// the code with either; the running device stops before the other
// starts, and the screen says which reads. With one reader, or for a
// face, the switch does nothing.
func TestSwitchReader(t *testing.T) {
	both := Config{HasScan: true, HasCamera: true, FaceKey: true}
	s, out := run(reach(t, both, Confirmed, Direct), Touch{Action: ActChooseCode})
	if v := s.View(); v.Reader != ByScanner || v.Switch != ByCamera {
		t.Fatalf("scanner first: reader %v, switch %v", v.Reader, v.Switch)
	}
	steps := []struct {
		want   []Effect
		reader Reader
	}{
		{[]Effect{StopScanner{}, StartCamera{Purpose: Code}}, ByCamera},
		{[]Effect{StopCamera{}, StartScanner{}}, ByScanner},
		{[]Effect{StopScanner{}, StartCamera{Purpose: Code}}, ByCamera},
	}
	for i, st := range steps {
		s, out = Step(s, Touch{Action: ActSwitchReader})
		if len(out) != 3 || !reflect.DeepEqual(out[:2], st.want) {
			t.Fatalf("switch %d: effects %v, want %v then Show", i, out, st.want)
		}
		v := s.View()
		if v.Screen != ScreenShowCode || v.Reader != st.reader || v.Switch != ByScanner+ByCamera-st.reader {
			t.Fatalf("switch %d: screen %v reader %v switch %v", i, v.Screen, v.Reader, v.Switch)
		}
	}
	// The camera's code is taken, and the camera stops first.
	s, out = Step(s, CodeScanned{Code: "134567890123456789"})
	if s.Phase() != Captured || len(out) == 0 || out[0] != (StopCamera{}) {
		t.Fatalf("code by camera: %s, %v", s.Phase(), out)
	}

	for _, tt := range []struct {
		name string
		cfg  Config
		act  Action
	}{
		{"scanner only", Config{HasScan: true}, ActChooseCode},
		{"camera only", Config{HasCamera: true}, ActChooseCode},
		{"face", both, ActChooseFace},
	} {
		s, _ := run(reach(t, tt.cfg, Confirmed, Relay), Touch{Action: tt.act})
		if v := s.View(); tt.act == ActChooseCode && v.Switch != NoReader {
			t.Errorf("%s: offers a switch to %v", tt.name, v.Switch)
		}
		next, out := Step(s, Touch{Action: ActSwitchReader})
		if len(out) != 0 || next.Phase() != Capturing {
			t.Errorf("%s: switch gave %v, %s", tt.name, out, next.Phase())
		}
	}
}
