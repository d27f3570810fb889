package main

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"payterm/firmware/checkout"
)

// engine owns the checkout state and is the only goroutine that steps it.
// Everything else talks to it by posting closures (do) or events (post);
// effects are performed in the loop, in the order Step returned them.
type engine struct {
	log   *slog.Logger
	now   func() time.Time
	tick  time.Duration
	inbox chan func()
	state checkout.State
	// perform carries out one effect; set by the wiring, runs in the
	// loop. An error from a Journal effect stops the step (see step).
	perform func(checkout.Effect) error
	alive   *heartbeat // beaten on every loop iteration; nil: none
	// snap is the state after the last step, published for readers
	// outside the loop (status, the virtual page): they read a snapshot,
	// never the live state.
	snap atomic.Pointer[checkout.State]
	// atIdle are whenIdle's waiters, run in the loop, oldest first, at
	// the end of the first iteration that leaves the checkout idle.
	// Loop-owned.
	atIdle []func()

	mu      sync.Mutex
	pending map[checkout.RequestID]chan checkout.Reply
}

func newEngine(log *slog.Logger, now func() time.Time, cfg checkout.Config) *engine {
	e := &engine{
		log:     log,
		now:     now,
		tick:    250 * time.Millisecond,
		inbox:   make(chan func(), 64),
		state:   checkout.New(cfg),
		pending: make(map[checkout.RequestID]chan checkout.Reply),
	}
	e.publish()
	return e
}

// run steps the machine until ctx ends. Ticks come from the injected clock
// at a fixed period so every phase's timeout fires.
func (e *engine) run(ctx context.Context) error {
	t := time.NewTicker(e.tick)
	defer t.Stop()
	for {
		e.alive.beat()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case f := <-e.inbox:
			f()
		case <-t.C:
			e.step(checkout.Tick{Now: e.now()})
		}
		e.runAtIdle()
	}
}

// runAtIdle runs the idle waiters while the checkout is idle (a waiter
// may change that). Runs in the loop only.
func (e *engine) runAtIdle() {
	for len(e.atIdle) > 0 && e.state.Phase() == checkout.Idle {
		w := e.atIdle[0]
		e.atIdle = e.atIdle[1:]
		w()
	}
}

// step feeds one event and performs the effects. Runs in the loop only.
//
// A Journal effect that cannot be written stops the step: nothing after
// it is performed (the checkout orders records before the replies and
// charges they explain), the state goes back to what it was before the
// step, and the checkout is told with a JournalFailed event, which it
// answers without writing to the journal again.
func (e *engine) step(ev checkout.Event) {
	defer e.publish()
	prev := e.state
	next, effects := checkout.Step(e.state, ev)
	e.state = next
	for _, ef := range effects {
		err := e.perform(ef)
		j, isRecord := ef.(checkout.Journal)
		if err == nil || !isRecord {
			continue
		}
		e.log.Error("journal write failed: stopping this step", "kind", j.Record.Kind, "err", err)
		e.state = prev
		if _, again := ev.(checkout.JournalFailed); !again {
			e.step(checkout.JournalFailed{Kind: j.Record.Kind, Err: err.Error()})
		}
		return
	}
}

// publish makes the current state the snapshot readers see.
func (e *engine) publish() {
	s := e.state
	e.snap.Store(&s)
}

// snapshot is the state after the last step; safe from any goroutine.
func (e *engine) snapshot() checkout.State {
	if s := e.snap.Load(); s != nil {
		return *s
	}
	return checkout.New(checkout.Config{})
}

// do runs f in the loop and waits for it, or for ctx.
func (e *engine) do(ctx context.Context, f func()) error {
	done := make(chan struct{})
	select {
	case e.inbox <- func() { f(); close(done) }:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// post queues an event without waiting; ok is false when ctx ended first.
func (e *engine) post(ctx context.Context, ev checkout.Event) bool {
	select {
	case e.inbox <- func() { e.step(ev) }:
		return true
	case <-ctx.Done():
		return false
	}
}

// expect registers a request that a Reply effect will answer.
func (e *engine) expect(id checkout.RequestID) chan checkout.Reply {
	ch := make(chan checkout.Reply, 1)
	e.mu.Lock()
	e.pending[id] = ch
	e.mu.Unlock()
	return ch
}

// forget drops a request nobody waits for any more; reports whether it was
// still unanswered.
func (e *engine) forget(id checkout.RequestID) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.pending[id]
	delete(e.pending, id)
	return ok
}

// answer delivers a Reply to its waiter, if one is still there.
func (e *engine) answer(r checkout.Reply) {
	e.mu.Lock()
	ch, ok := e.pending[r.To]
	delete(e.pending, r.To)
	e.mu.Unlock()
	if !ok {
		e.log.Warn("reply for a request nobody waits for", "request", r.To, "kind", r.Kind)
		return
	}
	ch <- r
}
