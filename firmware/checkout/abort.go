package checkout

// onAbort ends whatever is going on and returns to Idle: devices stop, the
// journal records the abort of an active session, a pending request is
// answered not approved (a question: no) with "aborted: <reason>".
//
// An Abort acts only for the session's owner and, when it names a
// request, only while that request is the pending one: a request that was
// refused as busy, or already answered, never ends someone else's
// session.
//
// A charge in flight is not dropped: an Abort reverses it and the session
// ends when the payment system confirms that nothing was charged (or
// that it was), while a hang-up lets it finish so that TransactionStatus
// can tell the result. Aborting a relay session in Captured cannot call
// back the credential the POS holds: the machine goes Idle (the customer
// must not be held hostage) and the journal names the hash so the
// operator can reverse a charge; a late Outcome is journaled as well.
func onAbort(s State, e Abort) (State, []Effect) {
	if e.Req != "" && e.Req != s.pending && e.Req != s.relayReq && (s.charge == nil || s.charge.req != e.Req) {
		return s, nil
	}
	if e.Owner != "" && s.owner != "" && e.Owner != s.owner {
		return s, nil
	}
	reason := ReasonAborted
	if e.Reason != "" {
		reason += ": " + e.Reason
	}
	switch {
	case s.charge != nil:
		if e.Hangup {
			return s, nil
		}
		return s.abortCharge(CondAborted, reason)
	case s.phase == Idle:
		return s, nil
	case s.phase == Asking:
		// No session and no order: nothing to journal.
		return s.answer(false, CondAborted, reason)
	case !active(s.phase):
		// Done or Refused: the session already ended and was journaled.
		s = s.toIdle()
		return s, []Effect{s.show(View{Screen: ScreenIdle})}
	}
	s, out := s.stopDevices()
	detail := reason
	if s.phase == Captured {
		detail += "; " + s.inFlight()
		s.unsettled = s.confirmed
	}
	out = append(out, Journal{Record{Kind: RecordAborted, Hash: s.hash, Method: s.method, Detail: detail}})
	if s.pending != "" {
		out = append(out, Reply{To: s.pending, Kind: ReplyResult, Hash: s.confirmed, Cond: CondAborted, Reason: reason})
	}
	s = s.toIdle()
	return s, append(out, s.show(View{Screen: ScreenIdle}))
}
