package checkout

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const receiptQuestion = "Would you like a receipt?"

// TestQuestionAnswered: where no payment session is active the question
// replaces the screen; Yes and No answer it and the machine goes Idle.
func TestQuestionAnswered(t *testing.T) {
	for _, from := range []Phase{Idle, Done, Refused} {
		for _, tt := range []struct {
			act Action
			yes bool
		}{{ActYes, true}, {ActNo, false}} {
			s, out := Step(reach(t, Config{HasScan: true}, from, Relay), Ask{Req: "q9", Text: receiptQuestion})
			want := []Effect{Show{View: View{Screen: ScreenQuestion, Message: receiptQuestion}}}
			if s.Phase() != Asking || s.Pending() != "q9" || !reflect.DeepEqual(out, want) {
				t.Fatalf("ask from %s: %s pending %q, effects %v; want asking with %v", from, s.Phase(), s.Pending(), out, want)
			}
			if !s.Hash().IsZero() || !s.Confirmed().IsZero() || s.Released() {
				t.Errorf("ask from %s kept the old session: hash %v confirmed %v", from, s.Hash(), s.Confirmed())
			}
			s, out = Step(s, Touch{Action: tt.act})
			want = []Effect{
				Reply{To: "q9", Kind: ReplyAnswer, Approved: tt.yes},
				Show{View: View{Screen: ScreenIdle}},
			}
			if s.Phase() != Idle || s.Pending() != "" || !reflect.DeepEqual(out, want) {
				t.Errorf("%s after ask from %s: %s, effects %v; want idle with %v", tt.act, from, s.Phase(), out, want)
			}
		}
	}
}

// TestQuestionEnds: a question nobody answers times out as no, and an
// Abort answers it no; neither is journaled (there is no order).
func TestQuestionEnds(t *testing.T) {
	cfg := Config{HasScan: true, Timeouts: Timeouts{Question: 7 * time.Second}}
	tests := []struct {
		name string
		ev   Event
		want Reply
	}{
		{"timeout", Tick{Now: epoch.Add(7 * time.Second)}, Reply{To: "q1", Kind: ReplyAnswer, Cond: CondTimeout, Reason: ReasonTimeout}},
		{"abort", Abort{Reason: "sale voided"}, Reply{To: "q1", Kind: ReplyAnswer, Cond: CondAborted, Reason: "aborted: sale voided"}},
		{"abort without reason", Abort{}, Reply{To: "q1", Kind: ReplyAnswer, Cond: CondAborted, Reason: ReasonAborted}},
	}
	for _, tt := range tests {
		s, out := Step(reach(t, cfg, Asking, Relay), tt.ev)
		want := []Effect{tt.want, Show{View: View{Screen: ScreenIdle}}}
		if s.Phase() != Idle || !reflect.DeepEqual(out, want) {
			t.Errorf("%s: %s, effects %v; want idle with %v", tt.name, s.Phase(), out, want)
		}
	}
	// Before the deadline nothing happens; the deadline of a question
	// asked before any Tick starts at the first Tick.
	s := reach(t, cfg, Asking, Relay)
	if next, out := Step(s, Tick{Now: epoch.Add(7*time.Second - time.Nanosecond)}); next.Phase() != Asking || len(out) != 0 {
		t.Errorf("question ended early: %s %v", next.Phase(), out)
	}
	s, _ = Step(New(cfg), Ask{Req: "q1", Text: receiptQuestion})
	if _, ok := s.Deadline(); ok {
		t.Error("question deadline armed before any Tick")
	}
	s, _ = Step(s, Tick{Now: epoch})
	if d, ok := s.Deadline(); !ok || d != epoch.Add(7*time.Second) {
		t.Errorf("deadline %v %t, want first Tick + Question timeout", d.Sub(epoch), ok)
	}
}

// TestQuestionBusy: during a payment session or another question a
// question is refused "busy", and while a question is on screen so is an
// order; whatever was on goes on untouched.
func TestQuestionBusy(t *testing.T) {
	busy := func(req RequestID) []Effect {
		return []Effect{Reply{To: req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
	}
	for _, p := range []Phase{OrderShown, Flagged, Confirmed, Capturing, Captured, Asking} {
		for _, mode := range []Mode{Relay, Direct} {
			s := reach(t, Config{HasScan: true}, p, mode)
			next, out := Step(s, Ask{Req: "q2", Text: receiptQuestion})
			if !reflect.DeepEqual(next, s) || !reflect.DeepEqual(out, busy("q2")) {
				t.Errorf("ask in %s %s: %s %v, want %v and no change", p, mode, next.Phase(), out, busy("q2"))
			}
		}
	}
	s := reach(t, Config{HasScan: true}, Asking, Relay)
	next, out := Step(s, OrderReceived{Req: "r2", Order: orderPool(0), Mode: Relay})
	if !reflect.DeepEqual(next, s) || !reflect.DeepEqual(out, busy("r2")) {
		t.Errorf("order while asking: %s %v, want %v and no change", next.Phase(), out, busy("r2"))
	}
}

// TestQuestionIgnores: on the question screen nothing but Yes, No, Abort,
// Ticks and new requests (refused busy) has an effect; an Ask nobody new can be
// answered for is ignored everywhere.
func TestQuestionIgnores(t *testing.T) {
	s := reach(t, Config{HasScan: true, HasCamera: true}, Asking, Relay)
	events := []Event{
		Ask{Req: "", Text: receiptQuestion},
		Ask{Req: s.Pending(), Text: "Another text?"},
		CodeScanned{Code: "123456789012"},
		FaceCaptured{Token: "face"},
		Outcome{Approved: true},
	}
	for a := range Action(len(actionNames)) {
		if a != ActYes && a != ActNo {
			events = append(events, Touch{Action: a, Line: "1", Lines: []string{"1"}})
		}
	}
	for _, ev := range events {
		if next, out := Step(s, ev); !reflect.DeepEqual(next, s) || len(out) != 0 {
			t.Errorf("%#v while asking: %s %v", ev, next.Phase(), out)
		}
	}
	for _, p := range allPhases {
		s := reach(t, Config{HasScan: true}, p, Direct)
		if next, out := Step(s, Ask{Text: receiptQuestion}); !reflect.DeepEqual(next, s) || len(out) != 0 {
			t.Errorf("Ask without a RequestID in %s: %s %v", p, next.Phase(), out)
		}
	}
	// Yes and No mean nothing where no question is on screen.
	for _, p := range allPhases {
		if p == Asking {
			continue
		}
		s := reach(t, Config{HasScan: true}, p, Direct)
		for _, a := range []Action{ActYes, ActNo} {
			if next, out := Step(s, Touch{Action: a}); !reflect.DeepEqual(next, s) || len(out) != 0 {
				t.Errorf("%s in %s: %s %v", a, p, next.Phase(), out)
			}
		}
	}
}

// TestQuestionText: the limits on what the POS may ask. A refused
// question leaves the screen as it was.
func TestQuestionText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want error // nil: shown
	}{
		{"plain", receiptQuestion, nil},
		{"CJK", "需要发票吗？", nil},
		{"lines", "Join our loyalty club?\nIt is free.", nil},
		{"longest", strings.Repeat("é", MaxQuestion), nil},
		{"too long", strings.Repeat("é", MaxQuestion+1), errQuestionLong},
		{"empty", "", errQuestionEmpty},
		{"blank", " \n\u3000 ", errQuestionEmpty},
		{"bell", "Receipt?\a", errQuestionText},
		{"escape", "\x1b[2JReceipt?", errQuestionText},
		{"carriage return", "Receipt?\r\nYes", errQuestionText},
		{"tab", "Receipt?\tYes", errQuestionText},
		{"C1 control", "Receipt?\u0085", errQuestionText},
		{"NUL", "Receipt?\x00", errQuestionText},
		{"invalid UTF-8", "Receipt\xff?", errQuestionText},
	}
	for _, tt := range tests {
		s := reach(t, Config{HasScan: true}, Done, Relay)
		next, out := Step(s, Ask{Req: "q1", Text: tt.text})
		if tt.want == nil {
			if next.Phase() != Asking || next.View().Message != tt.text {
				t.Errorf("%s: %s %v, want the question shown", tt.name, next.Phase(), out)
			}
			continue
		}
		err := checkQuestion(tt.text)
		want := []Effect{Reply{To: "q1", Kind: ReplyRefused, Cond: CondInvalid, Reason: err.Error()}}
		if !errors.Is(err, tt.want) || !reflect.DeepEqual(next, s) || !reflect.DeepEqual(out, want) {
			t.Errorf("%s: %v; %s %v, want %v refused and no change", tt.name, err, next.Phase(), out, tt.want)
		}
	}
}
