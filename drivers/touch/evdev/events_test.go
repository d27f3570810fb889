package evdev

import (
	"context"
	"testing"
	"time"

	"payterm/drivers/touch"
)

func TestEventStreamStartsOnce(t *testing.T) {
	tests := []struct {
		name   string
		halted bool
		// wantRuns is how often run is called, and so how many events
		// (one per run) come before the channel closes.
		wantRuns int
	}{
		{"running source", false, 1},
		{"halted before Events", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := make(chan struct{}, 2)
			run := func(_ context.Context, ch chan<- touch.Event) {
				runs <- struct{}{}
				ch <- touch.Event{Kind: touch.Down}
			}
			var e eventStream
			first := e.start(context.Background(), tt.halted, run)
			again := e.start(context.Background(), false, run)
			if first != again {
				t.Fatal("second start made another channel")
			}
			var got []touch.Event
			timeout := time.After(5 * time.Second)
			for open := true; open; {
				select {
				case ev, ok := <-first:
					if ok {
						got = append(got, ev)
					}
					open = ok
				case <-timeout:
					t.Fatal("channel never closed")
				}
			}
			if len(runs) != tt.wantRuns || len(got) != tt.wantRuns {
				t.Fatalf("run called %d times, %d events; want %d of each", len(runs), len(got), tt.wantRuns)
			}
		})
	}
}
