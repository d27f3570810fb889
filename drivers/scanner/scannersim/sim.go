// Package scannersim is the simulated twin of a scanner: the virtual
// terminal's scanner box types codes into it.
package scannersim

import (
	"context"
	"errors"
	"sync"

	"payterm/drivers/scanner"
)

var _ scanner.Scanner = (*Scanner)(nil)

// ErrNotArmed means nobody asked for a code: like a real scanner with its
// trigger released, the code is not read.
var ErrNotArmed = errors.New("scannersim: scanner not armed")

// Scanner is a simulated scanner.
type Scanner struct {
	mu     sync.Mutex
	armed  bool
	halted bool
	ch     chan string
}

// New returns a disarmed scanner.
func New() *Scanner { return &Scanner{ch: make(chan string, 8)} }

func (s *Scanner) String() string { return "scannersim" }

func (s *Scanner) Halt() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.halted {
		s.halted, s.armed = true, false
		close(s.ch)
	}
	return nil
}

func (s *Scanner) Arm(context.Context) error    { return s.setArmed(true) }
func (s *Scanner) Disarm(context.Context) error { return s.setArmed(false) }

func (s *Scanner) setArmed(v bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.halted {
		return errors.New("scannersim: halted")
	}
	s.armed = v
	return nil
}

// Armed reports whether the trigger is held.
func (s *Scanner) Armed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.armed
}

func (s *Scanner) Codes() <-chan string { return s.ch }

// Scan presents code to the scanner window.
func (s *Scanner) Scan(code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.armed || s.halted {
		return ErrNotArmed
	}
	select {
	case s.ch <- code:
		return nil
	default:
		return errors.New("scannersim: codes not being read")
	}
}
