package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"payterm/firmware/checkout"
)

// TestHeartbeat: the watchdog is fed while beats are recent, and not once
// they stop for 3 ticks plus the margin.
func TestHeartbeat(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	const tick = 250 * time.Millisecond
	limit := 3*tick + heartbeatMargin
	h := newHeartbeat(clock, tick)
	steps := []struct {
		advance time.Duration
		beat    bool
		alive   bool
	}{
		{0, false, true},                       // alive from the start
		{limit - time.Nanosecond, false, true}, // just inside
		{time.Nanosecond, false, false},        // silent for the limit: hung
		{0, true, true},                        // a beat brings it back
		{tick, true, true},
		{limit / 2, false, true},
		{limit / 2, false, false},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if s.beat {
			h.beat()
		}
		if got := h.alive(); got != s.alive {
			t.Fatalf("step %d (+%v, beat %v): alive %v, want %v", i, s.advance, s.beat, got, s.alive)
		}
	}
	var none *heartbeat
	none.beat() // a terminal without a watchdog: no beat, no panic
}

// TestEngineBeats: the engine loop beats as it runs, and a loop blocked
// in a closure (startTestHang's hang) beats no more.
func TestEngineBeats(t *testing.T) {
	if e := newEngine(slog.New(slog.DiscardHandler), time.Now, checkout.Config{}); e.tick != engineTick {
		t.Fatalf("engine tick %v, heartbeat assumes %v", e.tick, engineTick)
	}
	var beats int
	now := time.Unix(0, 0)
	h := newHeartbeat(func() time.Time { beats++; return now }, engineTick)
	beats = 0
	e := newEngine(slog.New(slog.DiscardHandler), time.Now, checkout.Config{})
	e.alive = h
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.run(ctx)
	// Each closure the loop runs is one iteration: one beat before it.
	for range 3 {
		if err := e.do(ctx, func() {}); err != nil {
			t.Fatal(err)
		}
	}
	got := 0
	if err := e.do(ctx, func() { got = beats }); err != nil {
		t.Fatal(err)
	}
	if got < 4 {
		t.Fatalf("%d beats after 4 iterations", got)
	}
	block := make(chan struct{})
	done := make(chan struct{})
	go func() { e.do(ctx, func() { close(done); <-block }) }()
	<-done
	hung := beats
	now = now.Add(time.Hour)
	if h.alive() {
		t.Fatal("alive an hour after the loop blocked")
	}
	if beats != hung+1 { // alive's own clock read only
		t.Fatalf("the blocked loop beat: %d → %d", hung, beats)
	}
	close(block)
}
