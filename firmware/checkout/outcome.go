package checkout

import (
	"fmt"

	"payterm/firmware/order"
)

// onOutcome shows the charge's result. In direct mode the payment system
// reported it and the POS still waits for the answer; in relay mode the
// POS reported it, so the customer is only shown it. An Outcome after the
// session was aborted or timed out in Captured is journaled for the
// operator and otherwise ignored; any other stray Outcome is ignored.
func onOutcome(s State, e Outcome) (State, []Effect) {
	if s.phase != Captured {
		if s.unsettled.IsZero() {
			return s, nil
		}
		h := s.unsettled
		s.unsettled = order.Hash{}
		return s, []Effect{Journal{Record{Kind: RecordOutcome, Hash: h, Detail: "late, session already ended: " + outcomeDetail(e)}}}
	}
	out := []Effect{Journal{Record{Kind: RecordOutcome, Hash: s.confirmed, Method: s.method, Detail: outcomeDetail(e)}}}
	if s.mode == Direct && s.pending != "" {
		out = append(out, Reply{
			To: s.pending, Kind: ReplyResult, Hash: s.confirmed,
			Approved: e.Approved, Reason: e.Reason, Reference: e.Reference,
		})
		s.pending = ""
	}
	s = s.enter(Done)
	if e.Approved {
		return s, append(out, s.show(s.sessionView(ScreenPaid, "")))
	}
	msg := e.Reason
	if msg == "" {
		msg = "payment declined"
	}
	return s, append(out, s.show(s.sessionView(ScreenFailed, msg)))
}

func outcomeDetail(e Outcome) string {
	d := "approved"
	if !e.Approved {
		d = fmt.Sprintf("declined: %q", e.Reason)
	}
	if e.Reference != "" {
		d += fmt.Sprintf(", reference %q", e.Reference)
	}
	return d
}
