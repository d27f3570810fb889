package main

import (
	"errors"
	"fmt"
)

// health is what the terminal knows of itself before it serves: whether
// what it must remember (the journal, the ServiceID store) is on
// persistent storage, and which boot slot it runs from. The zero value is
// a healthy terminal whose slot is unknown.
//
// The checkout core hears about Storage as an event and refuses payments
// while it is not "": a terminal that cannot remember a sale must not
// take one. The wiring only carries the value (config.health → serve).
type health struct {
	// Storage is "" when the terminal's state is on the data partition;
	// otherwise why it is not, e.g. "data partition missing: running
	// from tmpfs". Readable: the screen, the log and the Diagnosis
	// carry it as is.
	Storage string
	// Slot is the boot slot ("A", "B", or as the kernel command line
	// named it); "" when unknown.
	Slot string
}

// StorageOK reports whether the terminal's state persists.
func (h health) StorageOK() bool { return h.Storage == "" }

// storageHealth is the Storage field for a terminal whose data partition
// PID 1 mounted from dataDevice ("tmpfs" for its fallback) and whose state
// directory is usable (unusable nil) or not.
func storageHealth(dataDevice string, unusable error) string {
	switch {
	case dataDevice == "tmpfs":
		return "data partition missing: running from tmpfs"
	case unusable != nil:
		return fmt.Sprintf("data partition unusable (%v): running from memory", unusable)
	}
	return ""
}

// storageError is serve's error when the journal or the ServiceID store
// cannot be opened: PID 1 then restarts the terminal on memory, with
// that as its storage health, rather than looping on a broken file.
type storageError struct {
	what string // "journal", "service store"
	err  error
}

func (e *storageError) Error() string { return e.what + " cannot be opened: " + e.err.Error() }
func (e *storageError) Unwrap() error { return e.err }

// storageFailure returns the storage health for err if serve stopped
// because its state could not be opened, else "".
func storageFailure(err error) string {
	var se *storageError
	if !errors.As(err, &se) {
		return ""
	}
	return fmt.Sprintf("%s cannot be opened (%v): running from memory", se.what, se.err)
}

// slotName is the boot slot as the kernel command line names it
// (payterm.slot: the boot partition's number, "1" is slot A, "2" slot B),
// or "" when unknown.
func slotName(cmdline string) string {
	switch cmdline {
	case "":
		return ""
	case "1":
		return "A"
	case "2":
		return "B"
	}
	return cmdline
}
