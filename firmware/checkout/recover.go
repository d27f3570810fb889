package checkout

import (
	"slices"
	"time"

	"payterm/firmware/order"
)

// onRecovered takes the attempts a restart left open. They are resolved
// one at a time, in the order given, with the payment system: queried,
// and reversed when it stays unknown or has none. Until all are settled
// no new order is taken, so a POS retrying the same order cannot be
// charged twice. Each settles with a Settle effect that stores the final
// answer for the POS's TransactionStatus.
func onRecovered(s State, e Recovered) (State, []Effect) {
	rs := append([]recovery(nil), s.recovering...)
	for _, a := range e.Attempts {
		if a.Ref == "" || s.recoveringRef(a.Ref) {
			continue
		}
		rs = append(rs, recovery{probe: probe{ref: a.Ref, stage: stageQuery, retryAt: s.now}, OpenAttempt: a})
	}
	s.recovering = rs
	var shown []Effect
	if n := len(e.Ended); n > 0 && !e.Ended[n-1].Hash.IsZero() {
		s, shown = s.showEarlier(e.Ended[n-1].Hash, e.Ended[n-1].Approved)
	}
	if len(e.Attempts) == 0 && len(e.Relay) == 0 {
		s, out := s.pump()
		return s, append(out, shown...)
	}
	ws := append([]OpenRelay(nil), s.relayWaits...)
	for _, r := range e.Relay {
		if r.Req != "" && !slices.ContainsFunc(ws, func(w OpenRelay) bool { return w.Req == r.Req }) {
			ws = append(ws, r)
		}
	}
	s.relayWaits, s.relayUntil = ws, time.Time{}
	if s.ticked && len(ws) > 0 {
		s.relayUntil = s.now.Add(s.cfg.Timeouts.Outcome)
	}
	s, out := s.pump()
	return s, append(out, shown...)
}

// relayWait finds the recovered relay credential released for req.
func (s State) relayWait(req RequestID) (OpenRelay, bool) {
	for _, w := range s.relayWaits {
		if w.Req == req {
			return w, true
		}
	}
	return OpenRelay{}, false
}

// expireRelayWaits forgets recovered relay credentials once the outcome
// timeout has passed since the first Tick after the restart.
func (s State) expireRelayWaits() State {
	switch {
	case len(s.relayWaits) == 0:
	case s.relayUntil.IsZero():
		s.relayUntil = s.now.Add(s.cfg.Timeouts.Outcome)
	case !s.now.Before(s.relayUntil):
		s.relayWaits, s.relayUntil = nil, time.Time{}
	}
	return s
}

// showEarlier puts the result of a payment a restart interrupted on the
// screen, when no session is using it: the customer who waited through
// the restart learns the truth.
func (s State) showEarlier(h order.Hash, paid bool) (State, []Effect) {
	if s.phase != Idle && s.phase != Done && s.phase != Refused {
		return s, nil
	}
	s = s.toIdle()
	s = s.enter(Done)
	v := View{Screen: ScreenFailed, Message: "the earlier payment was not completed: nothing was charged", Hash: h}
	if paid {
		v = View{Screen: ScreenPaid, Message: "the earlier payment is complete", Hash: h}
	}
	return s, []Effect{s.show(v)}
}

func (s State) recoveringRef(ref string) bool {
	for _, r := range s.recovering {
		if r.ref == ref {
			return true
		}
	}
	return false
}

// recoveryResult advances the first open recovery, which e answers.
func recoveryResult(s State, e ChargeResult) (State, []Effect) {
	rs := append([]recovery(nil), s.recovering...)
	r := rs[0]
	var v verdict
	r.probe, v = r.probe.next(e.Status, s.now)
	if v == keepGoing {
		rs[0] = r
		s.recovering = rs
		return s.pump()
	}
	s.recovering = rs[1:]
	rec := Record{Kind: RecordOutcome, Hash: r.Hash, Ref: r.ref, Req: r.Req, Status: e.Status, Reference: e.Reference}
	st := Settle{Req: r.Req, Ref: r.ref, Hash: r.Hash, Amount: r.Amount, Currency: r.Currency}
	switch e.Status {
	case ChargePaid:
		rec.Detail = "approved (resolved after a restart)"
		st.Approved, st.Reference = true, e.Reference
	case ChargeDeclined:
		rec.Detail = "declined (resolved after a restart): " + e.Reason
		st.Cond, st.Reason = CondDeclined, e.Reason
	default:
		rec.Detail = "closed unpaid after a restart"
		st.Cond, st.Reason = CondNotCharged, "interrupted by a terminal restart: nothing charged"
	}
	s, out := s.pump()
	s, shown := s.showEarlier(r.Hash, st.Approved)
	return s, append(append([]Effect{Journal{rec}, st}, out...), shown...)
}
