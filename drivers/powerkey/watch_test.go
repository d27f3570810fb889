package powerkey

import (
	"context"
	"os"
	"testing"
	"time"
)

// within bounds a wait in these tests so a bug fails rather than hangs.
const within = 10 * time.Second

// pipe is a pollable file pair, as an event device is to the poller.
func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

func receive(t *testing.T, ch <-chan struct{}) (ok bool) {
	t.Helper()
	select {
	case _, ok = <-ch:
		return ok
	case <-time.After(within):
		t.Fatal("nothing on the channel")
	}
	return false
}

func TestWatchReportsPressesUntilCancelled(t *testing.T) {
	r, w := pipe(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watch(ctx, r)
	for i := range 2 {
		if _, err := w.Write(stream(power(1), syn(), power(0), syn())); err != nil {
			t.Fatal(err)
		}
		if !receive(t, ch) {
			t.Fatalf("press %d: channel closed", i+1)
		}
	}
	select {
	case <-ch:
		t.Fatal("a release was reported as a press")
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	if receive(t, ch) {
		t.Fatal("a press after cancelling")
	}
	if _, err := r.Read(make([]byte, 1)); err == nil {
		t.Error("device still open after the watch ended")
	}
}

func TestWatchEndsWithTheDevice(t *testing.T) {
	r, w := pipe(t)
	ch := watch(context.Background(), r)
	if _, err := w.Write(stream(power(1), syn())); err != nil {
		t.Fatal(err)
	}
	w.Close() // the device went away
	if !receive(t, ch) {
		t.Fatal("the press before the end was lost")
	}
	if receive(t, ch) {
		t.Fatal("channel still open after the device went away")
	}
}

func TestWatchMergesPressesNotTaken(t *testing.T) {
	r, w := pipe(t)
	ch := watch(context.Background(), r)
	if _, err := w.Write(stream(power(1), syn(), power(0), syn(), power(1), syn(), power(0), syn())); err != nil {
		t.Fatal(err)
	}
	w.Close()
	n := 0
	for range ch {
		n++
	}
	// Both presses were read before the receiver looked: at least one,
	// at most both, reach it, and the channel closes.
	if n < 1 || n > 2 {
		t.Errorf("%d presses received, want 1 or 2", n)
	}
}
