package checkout

import (
	"fmt"
	"slices"

	"payterm/firmware/order"
)

// AwaitsOutcome reports whether the relay session whose credential request
// req released is waiting for owner to report its outcome.
func (s State) AwaitsOutcome(req RequestID, owner string) bool {
	if _, ok := s.relayWait(req); ok {
		return true
	}
	return s.phase == Captured && s.mode == Relay && s.relayReq != "" && s.relayReq == req &&
		(s.owner == "" || owner == s.owner)
}

// onOutcome shows the customer the result the POS reports for a relay
// session's credential. It counts only for the session it names and from
// its owner. An Outcome after the session was aborted or timed out in
// Captured is journaled for the operator and otherwise ignored; any other
// stray Outcome is ignored.
func onOutcome(s State, e Outcome) (State, []Effect) {
	if e.From != "" && e.From == s.pending {
		e.From = "" // the request in hand is answered by its session, not here
	}
	s, out, taken := takeOutcome(s, e)
	if e.From == "" {
		return s, out
	}
	r := Reply{To: e.From, Kind: ReplyAnswer, Approved: true}
	if !taken {
		r = Reply{To: e.From, Kind: ReplyRefused, Cond: CondNotOwner, Reason: "no payment of yours awaits this outcome"}
	}
	// The reply goes after the journal record, before the screen.
	i := 0
	for i < len(out) {
		if _, ok := out[i].(Journal); !ok {
			break
		}
		i++
	}
	return s, append(out[:i:i], append([]Effect{r}, out[i:]...)...)
}

// takeOutcome applies a relay outcome; taken says whether it counted.
func takeOutcome(s State, e Outcome) (_ State, _ []Effect, taken bool) {
	if w, ok := s.relayWait(e.Req); ok && !(s.phase == Captured && s.relayReq == e.Req) {
		s.relayWaits = slices.DeleteFunc(slices.Clone(s.relayWaits), func(x OpenRelay) bool { return x.Req == e.Req })
		rec := Journal{Record{Kind: RecordOutcome, Hash: w.Hash, Req: e.Req, Reference: e.Reference,
			Detail: outcomeDetail(e) + " (after a restart)"}}
		s, shown := s.showEarlier(w.Hash, e.Approved)
		return s, append([]Effect{rec}, shown...), true
	}
	if !s.AwaitsOutcome(e.Req, e.Owner) {
		if s.unsettled.IsZero() || s.phase == Captured {
			return s, nil, false
		}
		h := s.unsettled
		s.unsettled = order.Hash{}
		return s, []Effect{Journal{Record{Kind: RecordOutcome, Hash: h, Detail: "late, session already ended: " + outcomeDetail(e)}}}, false
	}
	out := []Effect{Journal{Record{Kind: RecordOutcome, Hash: s.confirmed, Method: s.method, Req: s.relayReq,
		Detail: outcomeDetail(e), Reference: e.Reference}}}
	s = s.enter(Done)
	if e.Approved {
		return s, append(out, s.show(s.sessionView(ScreenPaid, ""))), true
	}
	msg := e.Reason
	if msg == "" {
		msg = "payment declined"
	}
	return s, append(out, s.show(s.sessionView(ScreenFailed, msg))), true
}

func outcomeDetail(e Outcome) string {
	d := "approved"
	if !e.Approved {
		d = fmt.Sprintf("declined: %q", e.Reason)
	}
	return d
}

// onNotice shows the POS's text on the idle screen, only while idle.
func onNotice(s State, e Notice) (State, []Effect) {
	if e.Req == "" || e.Req == s.pending {
		return s, nil // nobody new to answer
	}
	if s.phase != Idle {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: "terminal is busy with a customer"}}
	}
	s = s.toIdle()
	return s, []Effect{Reply{To: e.Req, Kind: ReplyAnswer, Approved: true}, s.show(View{Screen: ScreenIdle, Message: e.Text})}
}
