package uart

import "fmt"

// Protocol is how the terminal tells the scanner module to read.
type Protocol int

const (
	// Plain modules read while their trigger line is held (host trigger)
	// or all the time (continuous mode), and send each code followed by
	// CR or CR LF. Arming only drives the trigger line, if there is one.
	Plain Protocol = iota
	// Honeywell modules in Manual/Serial Trigger mode (TRGMOD0) start
	// reading on SYN T CR and stop on SYN U CR (SYN is 0x16); see
	// "Serial Trigger Commands" in the Serial Programming Command chapter
	// of Honeywell's scanner user guides (e.g. Xenon 1900/1902 User's
	// Guide; N86 engine manual, ch. 10). The module stops by itself after
	// one good read or at its serial read time-out; set that time-out
	// (menu command TRGSTO) to 0 or longer than the terminal's capture
	// time-out. A configured trigger line is driven as well.
	Honeywell
)

// The serial trigger commands of Honeywell modules.
var (
	honeywellActivate   = []byte{0x16, 'T', '\r'}
	honeywellDeactivate = []byte{0x16, 'U', '\r'}
)

// ParseProtocol reads a board table's protocol name: "plain" (or "") or
// "honeywell".
func ParseProtocol(name string) (Protocol, error) {
	switch name {
	case "", "plain":
		return Plain, nil
	case "honeywell":
		return Honeywell, nil
	}
	return Plain, fmt.Errorf("uart: unknown scanner protocol %q (want plain or honeywell)", name)
}

func (p Protocol) String() string {
	switch p {
	case Plain:
		return "plain"
	case Honeywell:
		return "honeywell"
	}
	return fmt.Sprintf("Protocol(%d)", int(p))
}

// activate is the command that starts a read; nil when the protocol has
// none. The slices are never written to.
func (p Protocol) activate() []byte {
	if p == Honeywell {
		return honeywellActivate
	}
	return nil
}

// deactivate is the command that stops a read; nil when none.
func (p Protocol) deactivate() []byte {
	if p == Honeywell {
		return honeywellDeactivate
	}
	return nil
}
