package bootselect

// Decision is what the boot script does on one power-on.
type Decision struct {
	// Slot is the slot to boot; never None.
	Slot Slot
	// Next is the state to save before booting: Slot's counter one lower.
	Next State
	// Exhausted: no slot in the order had tries left, so both counters
	// were reset to Tries and the first slot boots again (RAUC resets the
	// board for the same effect). The script should leave a mark the
	// firmware can report (both slots failed their checks).
	Exhausted bool
}

// Decide is the boot script's decision: the first slot in the order with
// tries left boots, its counter decremented; a slot with none is
// skipped, so a slot that keeps failing falls back to the next one.
func (s State) Decide() Decision {
	for _, slot := range s.Order {
		if slot != None && s.Left(slot) > 0 {
			return Decision{Slot: slot, Next: s.withLeft(slot, s.Left(slot)-1)}
		}
	}
	first := s.Order[0]
	if first == None {
		first = A
	}
	s.ALeft, s.BLeft = Tries, Tries
	return Decision{Slot: first, Next: s.withLeft(first, Tries-1), Exhausted: true}
}
