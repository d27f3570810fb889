package uart

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3/gpio"
)

// Trigger is the module's trigger input, as the scanner drives it.
type Trigger interface {
	// Set drives the line to its active level (the module reads) or its
	// inactive level.
	Set(active bool) error
	// Halt drives the line inactive and releases it; the Trigger is inert
	// after.
	Halt() error
}

// NoTrigger is the trigger of a module wired without a trigger line
// (continuous mode, or serial trigger commands only): it does nothing.
var NoTrigger Trigger = noTrigger{}

type noTrigger struct{}

func (noTrigger) Set(bool) error { return nil }
func (noTrigger) Halt() error    { return nil }

// PinTrigger drives a trigger wired to a GPIO output. Most modules'
// TRIG inputs are active low with a pull-up, so ActiveLow is the usual
// setting. The zero value has no pin and is not usable.
type PinTrigger struct {
	Pin       gpio.PinOut
	ActiveLow bool
	// Release, if set, is called by Halt after the line is driven
	// inactive, to hand the line back (close its file descriptor).
	Release func() error
}

var _ Trigger = PinTrigger{}

// Set drives the pin to the level that means active (or inactive).
func (t PinTrigger) Set(active bool) error {
	level := gpio.Level(active != t.ActiveLow)
	if err := t.Pin.Out(level); err != nil {
		return fmt.Errorf("uart: trigger %s: set %v: %w", t.Pin, level, err)
	}
	return nil
}

// Halt drives the pin inactive, halts it and releases it.
func (t PinTrigger) Halt() error {
	errs := []error{t.Set(false), t.Pin.Halt()}
	if t.Release != nil {
		errs = append(errs, t.Release())
	}
	return errors.Join(errs...)
}
