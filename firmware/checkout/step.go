package checkout

// Step is the machine's only entry point: it returns the state after ev and
// the effects to perform, in slice order (see the package doc for the
// ordering contract). s is not modified. Unknown or meaningless events
// leave the state as it was and return no effects.
func Step(s State, ev Event) (State, []Effect) {
	switch e := ev.(type) {
	case OrderReceived:
		return onOrder(s, e)
	case Touch:
		return onTouch(s, e)
	case CodeScanned:
		return onCode(s, e)
	case FaceCaptured:
		return onFace(s, e)
	case FaceGuidance:
		return onGuidance(s, e)
	case Outcome:
		return onOutcome(s, e)
	case Abort:
		return onAbort(s, e)
	case Tick:
		return onTick(s, e)
	case Ask:
		return onAsk(s, e)
	case ChargeResult:
		return onChargeResult(s, e)
	case ShowDocument:
		return onDocument(s, e)
	case Notice:
		return onNotice(s, e)
	case Recovered:
		return onRecovered(s, e)
	case JournalFailed:
		return onJournalFailed(s, e)
	case Health:
		return onHealth(s, e)
	}
	return s, nil
}
