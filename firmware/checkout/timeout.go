package checkout

// onTick advances the clock and ends a phase whose deadline has come. A
// phase entered before any Tick starts its timeout at the first Tick. An
// active session times out to Done (failed, "timed out"), answering a
// pending request "timeout"; a question is answered no, "timeout", and
// goes Idle; Done and Refused time out to Idle.
func onTick(s State, t Tick) (State, []Effect) {
	s.now, s.ticked = t.Now, true
	switch {
	case s.phase == Idle:
		return s, nil
	case !s.armed:
		return s.rearm(), nil
	case s.now.Before(s.deadline):
		return s, nil
	case s.phase == Asking:
		return s.answer(false, ReasonTimeout)
	case !active(s.phase):
		s = s.toIdle()
		return s, []Effect{s.show(View{Screen: ScreenIdle})}
	}
	return s.fail(RecordTimeout, "no answer in phase "+s.phase.String(), ReasonTimeout, "timed out")
}
