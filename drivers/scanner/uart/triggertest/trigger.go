// Package triggertest has a recording fake of uart.Trigger, in the
// spirit of periph's gpiotest.
package triggertest

import (
	"errors"
	"sync"

	"payterm/drivers/scanner/uart"
)

var _ uart.Trigger = (*Trigger)(nil)

// Trigger records every level it is set to. The zero value is an
// inactive, working trigger.
type Trigger struct {
	mu       sync.Mutex
	timeline []bool
	active   bool
	halted   bool
	// Fail, if set, is returned by Set.
	Fail error
	// OnSet, if set, is called with each level before it is recorded,
	// so a test can check what else holds at that moment.
	OnSet func(active bool)
}

// Set records the level.
func (t *Trigger) Set(active bool) error {
	if t.OnSet != nil {
		t.OnSet(active)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.halted {
		return errors.New("triggertest: set after halt")
	}
	if t.Fail != nil {
		return t.Fail
	}
	t.timeline = append(t.timeline, active)
	t.active = active
	return nil
}

// Halt drives the trigger inactive and marks it halted.
func (t *Trigger) Halt() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.halted {
		t.timeline = append(t.timeline, false)
		t.active, t.halted = false, true
	}
	return nil
}

// Timeline is every level set so far, oldest first (Halt records false).
func (t *Trigger) Timeline() []bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]bool(nil), t.timeline...)
}

// Active reports the current level.
func (t *Trigger) Active() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.active
}

// Halted reports whether Halt was called.
func (t *Trigger) Halted() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.halted
}
