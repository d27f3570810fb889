package uart

import (
	"context"
	"errors"
	"io"
	"time"
)

// haltWriteTimeout bounds the deactivate command Halt sends, so a stuck
// port cannot hold up shutdown.
const haltWriteTimeout = time.Second

// Arm starts a read: codes already waiting are dropped (they belong to
// an earlier capture), the scanner takes codes from now on, then the
// trigger line goes active and the protocol's activate command is sent.
// Arming an armed scanner starts a new read, which a Honeywell module
// needs after each good read.
func (s *Scanner) Arm(ctx context.Context) error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.mu.Lock()
	if s.halted {
		s.mu.Unlock()
		return errHalted
	}
	if s.err != nil {
		err := s.err
		s.mu.Unlock()
		return err
	}
	s.drainLocked()
	s.armed, s.reading = true, true
	s.mu.Unlock()

	err := s.trig.Set(true)
	if err == nil {
		if cmd := s.proto.activate(); cmd != nil {
			err = s.send(ctx, cmd)
		}
	}
	if err != nil {
		// Leave the module idle rather than half armed.
		s.stopReading()
		err = errors.Join(err, s.trig.Set(false))
		s.setArmed(false)
	}
	return err
}

// Disarm ends a read: the protocol's deactivate command is sent, the
// trigger line goes inactive, and codes read from now on are dropped.
// Disarming a disarmed scanner releases everything again; after Halt it
// does nothing.
func (s *Scanner) Disarm(ctx context.Context) error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	if s.stopReading() {
		return nil
	}
	var errs []error
	if cmd := s.proto.deactivate(); cmd != nil {
		errs = append(errs, s.send(ctx, cmd))
	}
	errs = append(errs, s.trig.Set(false))
	s.setArmed(false)
	return errors.Join(errs...)
}

// Halt makes the scanner inert: a read in progress is deactivated, the
// trigger is released, the port is closed and Codes' channel closes.
// Halt waits for the framing loop to end; calling it again does nothing.
func (s *Scanner) Halt() error {
	s.ctl.Lock()
	defer s.ctl.Unlock()
	s.mu.Lock()
	if s.halted {
		s.mu.Unlock()
		return nil
	}
	wasArmed := s.armed
	s.halted, s.armed, s.reading = true, false, false
	s.mu.Unlock()

	var errs []error
	if cmd := s.proto.deactivate(); cmd != nil && wasArmed {
		ctx, cancel := context.WithTimeout(context.Background(), haltWriteTimeout)
		errs = append(errs, s.send(ctx, cmd))
		cancel()
	}
	errs = append(errs, s.trig.Halt())
	close(s.quit)
	if c, ok := s.port.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	<-s.done
	return errors.Join(errs...)
}

// stopReading keeps the framing loop from activating the module again,
// before a deactivate command is queued; it reports whether the scanner
// is halted.
func (s *Scanner) stopReading() (halted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reading = false
	return s.halted
}

// isReading reports whether the module may be activated.
func (s *Scanner) isReading() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reading
}

func (s *Scanner) setArmed(v bool) {
	s.mu.Lock()
	s.armed = v
	s.mu.Unlock()
}

// drainLocked drops codes nobody took. Call with s.mu held.
func (s *Scanner) drainLocked() {
	for {
		select {
		case _, ok := <-s.codes:
			if !ok {
				return
			}
		default:
			return
		}
	}
}
