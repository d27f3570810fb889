package uart

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"payterm/internal/secret"
)

// read pumps the port's bytes to the framing loop until the port fails
// or is closed.
func (s *Scanner) read(chunks chan<- []byte, failed chan<- error) {
	buf := make([]byte, 256)
	empty := 0
	for {
		n, err := s.port.Read(buf)
		if n > 0 {
			empty = 0
			select {
			case chunks <- bytes.Clone(buf[:n]):
			case <-s.quit:
				return
			}
		} else if err == nil {
			if empty++; empty >= maxEmptyReads {
				err = io.ErrNoProgress
			}
		}
		if err != nil {
			failed <- err // buffered: the only send
			return
		}
	}
}

// frame cuts the byte stream into lines and hands them to deliver. An
// unterminated line is discarded after InterChar of silence, so a
// fragment never prefixes the next code. frame closes codes when it
// ends: at Halt or when the port fails.
func (s *Scanner) frame(chunks <-chan []byte, failed <-chan error) {
	defer close(s.done)
	defer close(s.codes)
	f := newFramer(s.maxLen)
	var idle <-chan time.Time // nil (never fires) while no line is pending
	for {
		select {
		case p := <-chunks:
			for _, b := range p {
				if l, ok := f.feed(b); ok {
					s.deliver(l)
				}
			}
			idle = nil
			if f.pending() {
				idle = s.clock.After(s.interChar)
			}
		case <-idle:
			idle = nil
			if l, ok := f.flush(); ok {
				s.deliver(l)
			}
		case err := <-failed:
			if l, ok := f.flush(); ok {
				s.deliver(l)
			}
			s.fail(err)
			return
		case <-s.quit:
			return
		}
	}
}

// deliver passes a code on if the scanner is armed and logs everything
// else. A discarded line while armed makes a Honeywell module stop as if
// it had read, so the read is started again.
func (s *Scanner) deliver(l Line) {
	s.mu.Lock()
	armed := s.armed
	sent := false
	if l.Verdict == Code && armed {
		select {
		case s.codes <- l.Code:
			sent = true
		default:
		}
	}
	s.mu.Unlock()

	switch {
	case sent:
		s.log.Debug("uart: code read", "scanner", s.name, "code", secret.Code(l.Code))
	case l.Verdict == Code && !armed:
		s.log.Info("uart: code read while disarmed, dropped", "scanner", s.name, "code", secret.Code(l.Code))
	case l.Verdict == Code:
		s.log.Warn("uart: codes not being taken, dropped", "scanner", s.name, "code", secret.Code(l.Code))
	default:
		s.log.Warn("uart: line discarded", "scanner", s.name, "why", l.Verdict.String(), "len", l.Len, "max", s.maxLen)
		if cmd := s.proto.activate(); armed && cmd != nil {
			s.reactivate(cmd)
		}
	}
}

// fail records why reading stopped; after Halt a closed port is expected
// and not an error.
func (s *Scanner) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.halted {
		return
	}
	s.err = fmt.Errorf("uart: %s: read: %w", s.name, err)
	s.log.Error("uart: scanner stopped reading", "scanner", s.name, "err", err)
}
