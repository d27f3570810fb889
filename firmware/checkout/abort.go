package checkout

// onAbort ends whatever is going on and returns to Idle: devices stop, the
// journal records the abort of an active session, a pending request is
// answered not approved (a question: no) with "aborted: <reason>".
//
// Aborting in Captured cannot call back what already left: in direct mode
// the charge may be in flight, in relay mode the POS holds the credential.
// The machine still goes Idle (the customer must not be held hostage by a
// stuck payment system) but the journal says so, naming the hash, so the
// operator can reverse the charge; a late Outcome is journaled as well.
func onAbort(s State, e Abort) (State, []Effect) {
	reason := ReasonAborted
	if e.Reason != "" {
		reason += ": " + e.Reason
	}
	switch {
	case s.phase == Idle:
		return s, nil
	case s.phase == Asking:
		// No session and no order: nothing to journal.
		return s.answer(false, reason)
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
		out = append(out, Reply{To: s.pending, Kind: ReplyResult, Hash: s.confirmed, Reason: reason})
	}
	s = s.toIdle()
	return s, append(out, s.show(View{Screen: ScreenIdle}))
}
