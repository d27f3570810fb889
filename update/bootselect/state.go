// Package bootselect is the A/B boot decision, RAUC-style, as pure
// functions over three U-Boot environment variables:
//
//	BOOT_ORDER   slots to try, first first: "A B" or "B A" (or one slot)
//	BOOT_A_LEFT  boot attempts slot A has left
//	BOOT_B_LEFT  boot attempts slot B has left
//
// and, written by the firmware only, for its reports:
//
//	BOOT_A_VERSION, BOOT_B_VERSION  the firmware version each slot holds
//	BOOT_TRIAL   the slot staged by TryNext and not yet marked good
//
// The boot script (U-Boot) runs Decide on every power-on and saves the
// decremented counter before it boots, so a slot that never comes up
// runs out of tries and the next one in the order boots. The firmware
// (Linux) reads what was booted with Check, confirms a healthy boot with
// MarkGood, and stages an update with TryNext. Reading and writing the
// variables is package bootenv's job; this package does no I/O.
package bootselect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Slot is a boot slot. The zero value None is no slot.
type Slot uint8

const (
	None Slot = iota
	A
	B
)

// String is the slot's name in BOOT_ORDER: "A", "B", or "-" for None.
func (s Slot) String() string {
	switch s {
	case A:
		return "A"
	case B:
		return "B"
	}
	return "-"
}

// Other is the slot that is not s (None for None).
func (s Slot) Other() Slot {
	switch s {
	case A:
		return B
	case B:
		return A
	}
	return None
}

// ParseSlot reads "A" or "B".
func ParseSlot(name string) (Slot, error) {
	switch name {
	case "A":
		return A, nil
	case "B":
		return B, nil
	}
	return None, fmt.Errorf("bootselect: slot %.20q: %w", name, ErrBadState)
}

// Variable names in U-Boot's environment.
const (
	VarOrder = "BOOT_ORDER"
	VarALeft = "BOOT_A_LEFT"
	VarBLeft = "BOOT_B_LEFT"
	VarAVer  = "BOOT_A_VERSION"
	VarBVer  = "BOOT_B_VERSION"
	VarTrial = "BOOT_TRIAL"
)

// VarNames are every variable of the state, the list the boot script
// carries over when it saves the state.
func VarNames() []string {
	return []string{VarOrder, VarALeft, VarBLeft, VarAVer, VarBVer, VarTrial}
}

// Tries is how many boot attempts a slot gets when it is marked good or,
// by default, when it is staged; RAUC's default.
const Tries = 3

// maxTries bounds a counter so a bad value cannot stall fallback for
// long, and keeps it one decimal digit: U-Boot's setexpr, which the boot
// script decrements it with, reads and writes hexadecimal.
const maxTries = 9

// ErrBadState: the variables are present but not a boot state.
var ErrBadState = errors.New("bad boot state")

// State is the boot selection: the order to try slots in and the
// attempts each has left. The zero value is not valid; Default is the
// state of a fresh image.
type State struct {
	// Order holds one or two distinct slots; Order[1] may be None.
	Order [2]Slot
	// ALeft and BLeft are the attempts left, 0..9.
	ALeft, BLeft int
	// AVersion and BVersion are the firmware versions the slots hold, as
	// the firmware recorded them (TryNext's caller, MarkGood); "" unknown.
	AVersion, BVersion string
	// Trial is the slot staged by TryNext and not yet marked good; None
	// when no slot is on trial.
	Trial Slot
}

// Default is a fresh image's state: slot A first, both with full tries.
func Default() State { return State{Order: [2]Slot{A, B}, ALeft: Tries, BLeft: Tries} }

// Left is the attempts slot s has left (0 for None).
func (s State) Left(slot Slot) int {
	switch slot {
	case A:
		return s.ALeft
	case B:
		return s.BLeft
	}
	return 0
}

// Version is the firmware version slot holds ("" unknown).
func (s State) Version(slot Slot) string {
	switch slot {
	case A:
		return s.AVersion
	case B:
		return s.BVersion
	}
	return ""
}

// WithVersion is s with slot's version set to v.
func (s State) WithVersion(slot Slot, v string) State {
	switch slot {
	case A:
		s.AVersion = v
	case B:
		s.BVersion = v
	}
	return s
}

func (s State) withLeft(slot Slot, n int) State {
	switch slot {
	case A:
		s.ALeft = n
	case B:
		s.BLeft = n
	}
	return s
}

// Parse reads the state from environment variables. A variable that is
// absent takes its Default value, as the boot script sets it; one that is
// present but malformed is ErrBadState (the caller decides whether to
// write Default back).
func Parse(vars map[string]string) (State, error) {
	s := Default()
	if v, ok := vars[VarOrder]; ok {
		f := strings.Fields(v)
		if len(f) < 1 || len(f) > 2 {
			return State{}, fmt.Errorf("bootselect: %s=%.20q: %w", VarOrder, v, ErrBadState)
		}
		s.Order = [2]Slot{}
		for i, name := range f {
			slot, err := ParseSlot(name)
			if err != nil {
				return State{}, fmt.Errorf("bootselect: %s: %w", VarOrder, err)
			}
			s.Order[i] = slot
		}
		if s.Order[0] == s.Order[1] {
			return State{}, fmt.Errorf("bootselect: %s=%q repeats a slot: %w", VarOrder, v, ErrBadState)
		}
	}
	for _, c := range []struct {
		name string
		dst  *int
	}{{VarALeft, &s.ALeft}, {VarBLeft, &s.BLeft}} {
		v, ok := vars[c.name]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxTries {
			return State{}, fmt.Errorf("bootselect: %s=%.20q: %w", c.name, v, ErrBadState)
		}
		*c.dst = n
	}
	s.AVersion, s.BVersion = vars[VarAVer], vars[VarBVer]
	if v, ok := vars[VarTrial]; ok && v != "" {
		slot, err := ParseSlot(v)
		if err != nil {
			return State{}, fmt.Errorf("bootselect: %s: %w", VarTrial, err)
		}
		s.Trial = slot
	}
	return s, nil
}

// Vars is the state as environment variables, the form Parse reads;
// U-Boot's script compares the counters as decimal numbers. Empty
// versions and no trial are left out (U-Boot cannot hold an empty value).
func (s State) Vars() map[string]string {
	order := s.Order[0].String()
	if s.Order[1] != None {
		order += " " + s.Order[1].String()
	}
	m := map[string]string{VarOrder: order, VarALeft: strconv.Itoa(s.ALeft), VarBLeft: strconv.Itoa(s.BLeft)}
	for name, v := range map[string]string{VarAVer: s.AVersion, VarBVer: s.BVersion} {
		if v != "" {
			m[name] = v
		}
	}
	if s.Trial != None {
		m[VarTrial] = s.Trial.String()
	}
	return m
}
