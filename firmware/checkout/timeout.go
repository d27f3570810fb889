package checkout

// onTick advances the clock, asks the payment system whatever open
// attempts are due to ask, and ends a phase whose deadline has come. A
// phase entered before any Tick starts its timeout at the first Tick. An
// active session times out to Done (failed, "timed out"), answering a
// pending request "timeout"; a question is answered no, "timeout", and
// goes Idle; Done and Refused time out to Idle. A charge in flight does
// not time out: only its outcome ends the session, and the queries and
// reversal that resolve it are bounded instead.
func onTick(s State, t Tick) (State, []Effect) {
	s.now, s.ticked = t.Now, true
	s = s.expireRelayWaits()
	s, asks := s.pump()
	if s.charge != nil {
		return s, asks
	}
	s, out := s.expire()
	if len(out) == 0 {
		s, out = s.faceCountdown()
	}
	return s, beforeDevices(out, asks)
}

// beforeDevices inserts asks into out where the ordering contract puts
// them: after journal records and replies, before devices start, beeps
// and the screen.
func beforeDevices(out, asks []Effect) []Effect {
	if len(asks) == 0 {
		return out
	}
	i := 0
	for ; i < len(out); i++ {
		switch out[i].(type) {
		case StartScanner, StartCamera, Beep, Show:
			return append(out[:i:i], append(asks, out[i:]...)...)
		}
	}
	return append(out, asks...)
}

// expire ends the current phase if its deadline has come.
func (s State) expire() (State, []Effect) {
	switch {
	case s.phase == Idle:
		return s, nil
	case !s.armed:
		return s.rearm(), nil
	case s.now.Before(s.deadline):
		return s, nil
	case s.phase == Asking:
		return s.answer(false, CondTimeout, ReasonTimeout)
	case !active(s.phase):
		s = s.toIdle()
		return s, []Effect{s.show(View{Screen: ScreenIdle})}
	}
	return s.fail(RecordTimeout, "no answer in phase "+s.phase.String(), CondTimeout, ReasonTimeout, "timed out")
}
