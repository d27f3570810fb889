package camera

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const streamWait = 5 * time.Second

// capture is a stand-in capture goroutine: it offers one pooled frame,
// says so on offered, and returns when its context ends.
type capture struct {
	s       *Stream
	pool    *Pool
	offered chan struct{}
	ended   atomic.Bool
}

func newCapture(t *testing.T, s *Stream) *capture {
	t.Helper()
	p, err := NewPool(2, Format{Width: 2, Height: 1, Encoding: YUYV, Pixels: Gray}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return &capture{s: s, pool: p, offered: make(chan struct{})}
}

func (c *capture) run(ctx context.Context) {
	Offer(c.s.Frames(), c.pool.Get())
	close(c.offered)
	<-ctx.Done()
	c.ended.Store(true)
}

func (c *capture) waitOffered(t *testing.T) {
	t.Helper()
	select {
	case <-c.offered:
	case <-time.After(streamWait):
		t.Fatal("capture goroutine never ran")
	}
}

// startCapture starts a capture on s and waits until it offered its
// frame.
func startCapture(t *testing.T, s *Stream) *capture {
	t.Helper()
	c := newCapture(t, s)
	if err := s.Start(context.Background(), nil, c.run); err != nil {
		t.Fatal(err)
	}
	c.waitOffered(t)
	return c
}

func TestStreamStopWaitsAndReleases(t *testing.T) {
	s := NewStream("test")
	c := startCapture(t, s)
	s.Stop()
	if !c.ended.Load() {
		t.Fatal("Stop returned before the goroutine")
	}
	if c.pool.Free() != 2 {
		t.Fatalf("untaken frame not released: %d of 2 free", c.pool.Free())
	}
	s.Stop() // stopped: nothing to do, must not block
}

func TestStreamStartRestarts(t *testing.T) {
	s := NewStream("test")
	defer s.Halt()
	first, second := startCapture(t, s), newCapture(t, s)
	var endedBeforeOpen bool
	var freeAtOpen int
	open := func() error {
		endedBeforeOpen, freeAtOpen = first.ended.Load(), first.pool.Free()
		return nil
	}
	if err := s.Start(context.Background(), open, second.run); err != nil {
		t.Fatal(err)
	}
	if !endedBeforeOpen || freeAtOpen != 2 {
		t.Fatalf("at open: first goroutine ended %v, %d of 2 frames free", endedBeforeOpen, freeAtOpen)
	}
	second.waitOffered(t)
	f := <-s.Frames()
	if f.pool != second.pool {
		t.Fatal("frame from the stopped goroutine")
	}
	f.Release()
}

func TestStreamOpenErrorLeavesItStopped(t *testing.T) {
	s := NewStream("test")
	defer s.Halt()
	first := startCapture(t, s)
	errOpen := errors.New("no device")
	var ran atomic.Bool
	err := s.Start(context.Background(), func() error { return errOpen }, func(context.Context) { ran.Store(true) })
	if err != errOpen {
		t.Fatalf("Start: %v, want open's error as is", err)
	}
	if !first.ended.Load() || first.pool.Free() != 2 {
		t.Fatal("previous goroutine not stopped before open")
	}
	// A later Start works; the failed one's run never did.
	startCapture(t, s)
	if ran.Load() {
		t.Fatal("run started after open failed")
	}
}

func TestStreamEndsWithItsContext(t *testing.T) {
	s := NewStream("test")
	defer s.Halt()
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	run := func(ctx context.Context) {
		<-ctx.Done()
		close(returned)
	}
	if err := s.Start(ctx, nil, run); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-returned:
	case <-time.After(streamWait):
		t.Fatal("goroutine still running after its context ended")
	}
	s.Stop() // the goroutine has gone: must not block
}

func TestStreamHalt(t *testing.T) {
	s := NewStream("camx: /dev/video9")
	c := startCapture(t, s)
	if !s.Halt() {
		t.Fatal("first Halt says it did not halt")
	}
	if !c.ended.Load() || c.pool.Free() != 2 {
		t.Fatal("Halt did not stop and release")
	}
	if _, ok := <-s.Frames(); ok {
		t.Fatal("Frames open after Halt")
	}
	if s.Halt() {
		t.Fatal("second Halt says it halted")
	}
	s.Stop()
	opened := false
	err := s.Start(context.Background(), func() error { opened = true; return nil }, c.run)
	if err == nil || opened {
		t.Fatalf("Start after Halt: %v, open called %v", err, opened)
	}
	if !strings.HasPrefix(err.Error(), "camx: /dev/video9: ") {
		t.Fatalf("error %q does not start with the stream's name", err)
	}
}

// TestStreamConcurrentUse runs Start, Stop and Halt from many goroutines
// for the race detector; exactly one Halt may win.
func TestStreamConcurrentUse(t *testing.T) {
	s := NewStream("test")
	var halts atomic.Int32
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				switch i % 3 {
				case 0:
					_ = s.Start(context.Background(), nil, func(ctx context.Context) { <-ctx.Done() })
				case 1:
					s.Stop()
				}
			}
			if i%3 == 2 && s.Halt() {
				halts.Add(1)
			}
		}()
	}
	for range 8 {
		<-done
	}
	if s.Halt() {
		halts.Add(1)
	}
	if halts.Load() != 1 {
		t.Fatalf("%d Halts halted, want 1", halts.Load())
	}
}
