package checkout

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
	return s.pump()
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
	return s, append([]Effect{Journal{rec}, st}, out...)
}
