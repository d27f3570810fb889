// Package v4l2cam is the V4L2 camera driver: go4vl's v4l2 package for
// the ioctls (capability, format, buffers, queueing, stream on/off) and
// its own capture loop: poll with a time-out, dequeue, convert into a
// pooled frame, requeue. A fault stops the stream, is reported, and the
// device is reopened with backoff (a USB camera unplugged and plugged,
// or vivid's "Disconnect" control). Nothing a device does can panic
// the caller.
package v4l2cam

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"payterm/drivers/camera"
)

var _ camera.Camera = (*Camera)(nil)

// Defaults for zero Options.
const (
	DefaultBuffers    = 4
	DefaultPoolFrames = 3
	DefaultStall      = 3 * time.Second
	minBackoff        = 100 * time.Millisecond
	maxBackoff        = 5 * time.Second
	// pollTimeout bounds one wait for a frame, and so how long Stop
	// waits for the loop when the device is silent.
	pollTimeout = 200 * time.Millisecond
	errBuffer   = 8
)

// Clock tells time and makes timers; tests pass a fake.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a Camera; the zero value means the defaults.
type Options struct {
	// Buffers is how many buffers the driver fills in turn.
	Buffers int
	// PoolFrames is how many converted frames the stream and consumer
	// share.
	PoolFrames int
	// Stall is how long without a frame counts as a fault.
	Stall  time.Duration
	Clock  Clock
	Logger *slog.Logger
}

// Camera is a V4L2 capture device. Safe for concurrent use.
type Camera struct {
	path      string
	opts      Options
	open      openFunc
	streaming *camera.Stream
	errs      chan error

	errMu sync.Mutex
	err   error
}

// New returns a stopped camera for the device node at path (e.g.
// /dev/video0). Nothing is opened until Start.
func New(path string, opts Options) *Camera { return newCamera(path, opts, openDevice) }

func newCamera(path string, opts Options, open openFunc) *Camera {
	if opts.Buffers <= 0 {
		opts.Buffers = DefaultBuffers
	}
	if opts.PoolFrames <= 0 {
		opts.PoolFrames = DefaultPoolFrames
	}
	if opts.Stall <= 0 {
		opts.Stall = DefaultStall
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Camera{
		path:      path,
		opts:      opts,
		open:      open,
		streaming: camera.NewStream("v4l2cam: " + path),
		errs:      make(chan error, errBuffer),
	}
}

func (c *Camera) String() string { return "v4l2 camera " + c.path }

func (c *Camera) Frames() <-chan *camera.Frame { return c.streaming.Frames() }

// Errors reports each streaming fault (open failures while reopening
// included) as it happens; when nobody reads, older reports are kept and
// newer ones dropped. Closed by Halt.
func (c *Camera) Errors() <-chan error { return c.errs }

// Err is the last fault, nil again once frames flow.
func (c *Camera) Err() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// Start opens the device and streams in f. Opening is tried once here
// and its failure returned; once streaming, faults are retried in the
// background until Stop, Halt or the end of ctx.
func (c *Camera) Start(ctx context.Context, f camera.Format) error {
	f = f.WithDefaults()
	if f.Width < 0 || f.Height < 0 {
		return fmt.Errorf("v4l2cam: %s: format %v", c.path, f)
	}
	var s stream
	open := func() (err error) {
		if s, err = c.openStream(f); err == nil {
			c.setErr(nil)
		}
		return err
	}
	return c.streaming.Start(ctx, open, func(ctx context.Context) { c.run(ctx, f, s) })
}

// Stop ends streaming, closes the device and releases frames not yet
// taken. It waits for the loop, at most about one poll time-out.
func (c *Camera) Stop() error {
	c.streaming.Stop()
	return nil
}

// Halt stops streaming for good; Frames and Errors close.
func (c *Camera) Halt() error {
	if c.streaming.Halt() {
		// The loop, the only sender, has returned.
		close(c.errs)
	}
	return nil
}

// report records a fault. It never blocks the loop.
func (c *Camera) report(err error) {
	c.setErr(err)
	select {
	case c.errs <- err:
	default:
	}
	c.opts.Logger.Warn("v4l2cam: streaming fault", "camera", c.path, "err", err)
}

func (c *Camera) setErr(err error) {
	c.errMu.Lock()
	c.err = err
	c.errMu.Unlock()
}
