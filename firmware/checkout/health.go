package checkout

// onHealth records the storage's health: orders are refused while it
// says payments cannot be recorded.
func onHealth(s State, e Health) (State, []Effect) {
	s.storage = e.Storage
	return s, nil
}

// onJournalFailed answers a record that could not be written. The
// firmware stepped this from the state before the failed step, so what
// that step would have let out (a credential, a charge, a reply) did not
// leave. Payments stop until the storage is healthy again. A session
// with no charge in flight ends unpaid, told so; a charge in flight is
// asked again so that its outcome is recorded before anyone is told.
// Nothing here is journaled: the journal is what failed.
func onJournalFailed(s State, e JournalFailed) (State, []Effect) {
	s.storage = "journal write failed: " + e.Err
	if len(s.recovering) > 0 && s.recovering[0].inflight {
		rs := append([]recovery(nil), s.recovering...)
		rs[0].inflight, rs[0].retryAt = false, s.now.Add(backoff(1))
		s.recovering = rs
	}
	switch {
	case s.charge != nil:
		c := *s.charge
		c.inflight = false
		c.probe = c.probe.moveTo(stageQuery, s.now)
		c.retryAt = s.now.Add(backoff(1))
		s.charge = &c
		return s, nil
	case !active(s.phase):
		return s, nil
	}
	s, out := s.stopDevices()
	if s.pending != "" {
		out = append(out, Reply{To: s.pending, Kind: ReplyResult, Hash: s.confirmed, Cond: CondStorage,
			Reason: "the terminal cannot record payments: nothing was charged"})
		s.pending = ""
	}
	s = s.enter(Done)
	return s, append(out, s.show(s.sessionView(ScreenFailed, "this terminal cannot take payments now: nothing was charged")))
}
