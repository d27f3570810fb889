package bootselect

// Booted is what the firmware learns about the boot it is running.
type Booted struct {
	// Running is the slot that booted (from the kernel command line), and
	// Version the version the state records for it ("" unknown).
	Running Slot
	Version string
	// Asked is the slot the state asked to try first.
	Asked Slot
	// Rollback: Running is not Asked, so Asked ran out of tries (or
	// could not be loaded) and this boot fell back.
	Rollback bool
	// Failed is the slot whose firmware failed: Asked on a rollback, or,
	// on later boots, the other slot while it keeps the 0 tries its
	// failure left it (until an update restages it). FailedVersion is
	// its recorded version. None when nothing failed.
	Failed        Slot
	FailedVersion string
	// Trial: Running was staged by TryNext and is not yet marked good.
	// A trial slot whose self-check fails should restart, so that its
	// tries run out and the boot falls back.
	Trial bool
	// Left is the attempts Running has left after this boot's decrement;
	// below Tries-1 means earlier attempts of this slot failed.
	Left int
}

// Check compares the slot that booted with the state U-Boot saved before
// booting it.
func (s State) Check(running Slot) Booted {
	b := Booted{Running: running, Version: s.Version(running), Asked: s.Order[0], Left: s.Left(running), Trial: s.Trial == running && running != None}
	other := running.Other()
	switch {
	case b.Asked != running:
		b.Rollback, b.Failed = true, b.Asked
	case s.Left(other) == 0 && s.Version(other) != "" && s.Trial != other:
		b.Failed = other
	}
	b.FailedVersion = s.Version(b.Failed)
	return b
}

// MarkGood is the state after the running slot passed its self-check:
// it comes first in the order with full tries and is no longer on
// trial. After a rollback the failed slot keeps its 0 tries, so it is
// not tried again until an update stages it with TryNext.
func (s State) MarkGood(running Slot) State {
	s.Order = [2]Slot{running, running.Other()}
	s.Trial = None
	return s.withLeft(running, Tries)
}

// TryNext is the state after an update was written to slot: it comes
// first with tries attempts (1..9) and on trial, the other slot (the one
// running, marked good) stays second to fall back to. Record the
// version written with WithVersion.
func (s State) TryNext(slot Slot, tries int) State {
	s.Order = [2]Slot{slot, slot.Other()}
	s.Trial = slot
	return s.withLeft(slot, min(max(tries, 1), maxTries))
}

// Invalidate is the state before an update starts writing slot: no
// tries and no version, so that a half-written slot is never booted
// (fallbacks skip it) nor reported as failed. slot must not be the one
// running.
func (s State) Invalidate(slot Slot) State {
	if s.Trial == slot {
		s.Trial = None
	}
	return s.withLeft(slot, 0).WithVersion(slot, "")
}
