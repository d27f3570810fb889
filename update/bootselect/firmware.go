package bootselect

// Booted is what the firmware learns about the boot it is running.
type Booted struct {
	// Running is the slot that booted (from the kernel command line).
	Running Slot
	// Asked is the slot the state asked to try first.
	Asked Slot
	// Rollback: Running is not Asked, so Asked ran out of tries (or
	// could not be loaded) and the boot fell back; Failed is that slot.
	Rollback bool
	Failed   Slot
	// Left is the attempts Running has left after this boot's decrement;
	// below Tries-1 means earlier attempts of this slot failed.
	Left int
}

// Check compares the slot that booted with the state U-Boot saved before
// booting it.
func (s State) Check(running Slot) Booted {
	b := Booted{Running: running, Asked: s.Order[0], Left: s.Left(running)}
	if b.Asked != running {
		b.Rollback, b.Failed = true, b.Asked
	}
	return b
}

// MarkGood is the state after the running slot passed its self-check:
// it comes first in the order with full tries. After a rollback the
// failed slot keeps its 0 tries, so it is not tried again until an
// update stages it with TryNext.
func (s State) MarkGood(running Slot) State {
	s.Order = [2]Slot{running, running.Other()}
	return s.withLeft(running, Tries)
}

// TryNext is the state after an update was written to slot: it comes
// first with tries attempts, the other slot (the one running, marked
// good) stays second to fall back to.
func (s State) TryNext(slot Slot, tries int) State {
	s.Order = [2]Slot{slot, slot.Other()}
	return s.withLeft(slot, min(max(tries, 1), maxTries))
}
