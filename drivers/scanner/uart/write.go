package uart

import (
	"context"
	"fmt"
)

// command is bytes for the module. done, if not nil, gets the write's
// result and must have room for it.
type command struct {
	p    []byte
	done chan<- error
	// ifReading drops the command unless the scanner is still reading
	// when its turn comes, so a re-activation queued just before Disarm
	// cannot land after Disarm's deactivate.
	ifReading bool
}

// write is the only goroutine that writes to the port, so commands from
// Arm, Disarm and the framing loop never interleave.
func (s *Scanner) write() {
	for {
		select {
		case c := <-s.cmds:
			if c.ifReading && !s.isReading() {
				continue
			}
			var err error
			if _, werr := s.port.Write(c.p); werr != nil {
				err = fmt.Errorf("uart: %s: write command: %w", s.name, werr)
			}
			if c.done != nil {
				c.done <- err
			} else if err != nil {
				s.log.Warn("uart: command not sent", "scanner", s.name, "err", err)
			}
		case <-s.quit:
			return
		}
	}
}

// send writes p and waits for the result, or for ctx.
func (s *Scanner) send(ctx context.Context, p []byte) error {
	done := make(chan error, 1)
	select {
	case s.cmds <- command{p: p, done: done}:
	case <-ctx.Done():
		return fmt.Errorf("uart: %s: send command: %w", s.name, ctx.Err())
	case <-s.quit:
		return errHalted
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("uart: %s: send command: %w", s.name, ctx.Err())
	}
}

// reactivate queues p, to be written only if the scanner is still
// reading then. It does not wait: if the writer is busy the command is
// dropped, so the framing loop never blocks on the port.
func (s *Scanner) reactivate(p []byte) {
	select {
	case s.cmds <- command{p: p, ifReading: true}:
	default:
		s.log.Warn("uart: writer busy, command dropped", "scanner", s.name)
	}
}
