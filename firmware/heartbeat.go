package main

import (
	"sync/atomic"
	"time"
)

// heartbeat tells the watchdog the terminal's loop is alive: the engine
// loop beats on every iteration (at least once a tick), and PID 1 feeds
// the hardware watchdog only while the last beat is recent. A hung
// engine stops beating and the watchdog resets the terminal. Safe for
// concurrent use; a nil *heartbeat ignores beats.
type heartbeat struct {
	now   func() time.Time
	limit time.Duration
	last  atomic.Int64 // UnixNano of the last beat
}

// engineTick is the engine loop's tick (newEngine): it iterates at least
// that often while alive.
const engineTick = 250 * time.Millisecond

// heartbeatMargin is the slack over three ticks before a silent loop is
// taken for hung: a frame drawn under QEMU's TCG, a slow fsync or the
// terminal starting again (fonts, journal) holds the loop for seconds.
const heartbeatMargin = 10 * time.Second

// newHeartbeat returns a heartbeat that is alive now and stays alive
// while beats come less than 3 × tick + heartbeatMargin apart.
func newHeartbeat(now func() time.Time, tick time.Duration) *heartbeat {
	h := &heartbeat{now: now, limit: 3*tick + heartbeatMargin}
	h.beat()
	return h
}

// beat records that the loop is alive now.
func (h *heartbeat) beat() {
	if h == nil {
		return
	}
	h.last.Store(h.now().UnixNano())
}

// alive reports whether the last beat is recent: the watchdog's Healthy.
func (h *heartbeat) alive() bool {
	return h.now().Sub(time.Unix(0, h.last.Load())) < h.limit
}
