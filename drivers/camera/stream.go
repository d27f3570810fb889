package camera

import (
	"context"
	"fmt"
	"sync"
)

// Stream is the streaming lifecycle a camera driver builds on: one
// capture goroutine at most, started by Start and ended by Stop, Halt,
// the next Start or the end of Start's context, and the Frames channel
// it offers on. Use NewStream; safe for concurrent use.
type Stream struct {
	name   string
	frames chan *Frame

	mu     sync.Mutex
	cancel context.CancelFunc // of the running goroutine, nil if none
	done   chan struct{}      // closed when that goroutine has returned
	halted bool
}

// NewStream returns a stopped stream. name starts its errors, as the
// driver's do ("camsim", "v4l2cam: /dev/video0").
func NewStream(name string) *Stream {
	return &Stream{name: name, frames: make(chan *Frame, 1)}
}

// Frames is the channel the capture goroutine offers on (see Offer) and
// the driver hands to its consumer: the same for the stream's life,
// closed by Halt.
func (s *Stream) Frames() chan *Frame { return s.frames }

// Start ends the running goroutine as Stop does, then calls open, if not
// nil, to ready the device; no Start, Stop or Halt runs in between. An
// open error is returned as is and leaves the stream stopped. Otherwise
// run goes in its own goroutine with a context, derived from ctx, that
// ends at Stop, Halt or the next Start; run must return soon after. On
// a halted stream Start fails without calling open.
func (s *Stream) Start(ctx context.Context, open func() error, run func(context.Context)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.halted {
		return fmt.Errorf("%s: halted", s.name)
	}
	s.stopLocked()
	if open != nil {
		if err := open(); err != nil {
			return err
		}
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.cancel, s.done = cancel, done
	go func() {
		defer close(done)
		run(rctx)
	}()
	return nil
}

// Stop ends the running goroutine, waits until it has returned, then
// releases the frame it offered and nobody took. Stopping a stopped
// stream does nothing.
func (s *Stream) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Stream) stopLocked() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.cancel, s.done = nil, nil
	Drain(s.frames)
}

// Halt stops as Stop does, for good, and closes Frames. It reports
// whether this call halted the stream (false if an earlier one had), so
// a driver closes channels of its own exactly once.
func (s *Stream) Halt() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.halted {
		return false
	}
	s.stopLocked()
	s.halted = true
	close(s.frames)
	return true
}
