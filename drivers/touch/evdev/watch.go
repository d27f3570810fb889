package evdev

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"payterm/drivers/touch"
)

var _ touch.Touch = (*Watcher)(nil)

// Watcher is a touch panel that outlives its device: when the device goes
// away it reports an Up for a finger that was down, then looks for the
// device again every Options.Poll and carries on on the same channel.
type Watcher struct {
	desc string
	open func() (*Device, error)
	poll time.Duration
	log  *slog.Logger

	mu     sync.Mutex
	events eventStream
	cur    *Device
	halted bool
	halt   chan struct{} // closed by Halt
}

// Watch returns a Watcher for the device at path, or, with path "", for the
// first touch device Find sees on each attempt. Nothing is opened until
// Events.
func Watch(path string, opts Options) *Watcher {
	open := func() (*Device, error) {
		p := path
		if p == "" {
			var err error
			if p, err = Find(); err != nil {
				return nil, err
			}
		}
		return Open(p, opts)
	}
	desc := path
	if desc == "" {
		desc = "first touch device"
	}
	return newWatcher(desc, open, opts.poll(), opts.logger())
}

func newWatcher(desc string, open func() (*Device, error), poll time.Duration, log *slog.Logger) *Watcher {
	return &Watcher{desc: desc, open: open, poll: poll, log: log, halt: make(chan struct{})}
}

func (w *Watcher) String() string { return "evdev watch " + w.desc }

// Halt closes the current device, if any, and stops looking; the Events
// channel closes.
func (w *Watcher) Halt() error {
	w.mu.Lock()
	if w.halted {
		w.mu.Unlock()
		return nil
	}
	w.halted = true
	close(w.halt)
	cur := w.cur
	w.mu.Unlock()
	if cur != nil {
		return cur.Halt()
	}
	return nil
}

// Events starts watching on the first call and returns the one event
// stream; later calls return the same channel. It closes when ctx ends or
// on Halt, not when the device goes away.
func (w *Watcher) Events(ctx context.Context) <-chan touch.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.events.start(ctx, w.halted, w.run)
}

// run opens, forwards and reopens the device until ctx ends or Halt;
// the eventStream closes ch after.
func (w *Watcher) run(ctx context.Context, ch chan<- touch.Event) {
	missing := false // logged as missing; log when it is back
	for {
		dev, err := w.open()
		switch {
		case err != nil:
			if !missing {
				w.log.Warn("touch device not available; polling", "device", w.desc, "every", w.poll, "err", err)
				missing = true
			}
		case !w.attach(dev):
			_ = dev.Halt()
			return
		default:
			if missing {
				w.log.Info("touch device found", "device", dev.String())
				missing = false
			}
			w.forward(ctx, dev, ch)
			w.detach()
			_ = dev.Halt()
		}
		select {
		case <-ctx.Done():
			return
		case <-w.halt:
			return
		case <-time.After(w.poll):
		}
	}
}

// forward copies dev's events to ch until dev's stream closes.
func (w *Watcher) forward(ctx context.Context, dev *Device, ch chan<- touch.Event) {
	for ev := range dev.Events(ctx) {
		select {
		case ch <- ev:
		case <-ctx.Done():
			return
		}
	}
}

// attach makes dev the current device unless the watcher was halted.
func (w *Watcher) attach(dev *Device) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.halted {
		return false
	}
	w.cur = dev
	return true
}

func (w *Watcher) detach() {
	w.mu.Lock()
	w.cur = nil
	w.mu.Unlock()
}
