package evdev

import (
	"context"

	"payterm/drivers/touch"
)

// eventBuffer is how many events wait for a slow consumer before the
// reader blocks.
const eventBuffer = 64

// eventStream is the one event channel a touch source (Device, Watcher)
// hands out, started by the first Events call. The source's mutex
// guards it, together with the halted flag passed to start.
type eventStream struct {
	ch chan touch.Event // nil until the first start
}

// start returns the channel, making it on the first call: closed at
// once if the source is halted, else fed by run in its own goroutine
// and closed when run returns. Later calls return the same channel and
// ignore ctx and run.
func (e *eventStream) start(ctx context.Context, halted bool, run func(context.Context, chan<- touch.Event)) <-chan touch.Event {
	if e.ch != nil {
		return e.ch
	}
	ch := make(chan touch.Event, eventBuffer)
	e.ch = ch
	if halted {
		close(ch)
		return ch
	}
	go func() {
		defer close(ch)
		run(ctx, ch)
	}()
	return ch
}
