// Package camsim is the simulated twin of a camera: it streams a moving
// test pattern, or pictures (say, faces from image files), through the
// same conversion and frame pool as the V4L2 driver.
package camsim

import (
	"context"
	"image"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"payterm/drivers/camera"
)

var _ camera.Camera = (*Camera)(nil)

// DefaultWidth and DefaultHeight are the size when a Format leaves it
// zero; DefaultFPS the frame rate when Options leave it zero.
const (
	DefaultWidth  = 640
	DefaultHeight = 480
	DefaultFPS    = 15
)

// poolFrames is how many frames the consumer and the stream share: one
// being delivered, one held by the consumer, one spare.
const poolFrames = 3

// Clock paces frames. Tests pass a fake that ticks by hand.
type Clock interface {
	Now() time.Time
	// Every returns a channel that fires every d, and a function that
	// stops it.
	Every(d time.Duration) (<-chan time.Time, func())
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Every(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Options configure the simulated camera. The zero value streams the
// test pattern at DefaultFPS by the system clock.
type Options struct {
	// Images are shown in turn, one per frame, scaled to the frame size;
	// none means the moving test pattern.
	Images []image.Image
	FPS    int
	Clock  Clock
	Logger *slog.Logger
}

// Camera is a simulated camera. Safe for concurrent use.
type Camera struct {
	opts      Options
	streaming *camera.Stream

	mu     sync.Mutex
	images []image.Image // what Show set; starts as Options.Images
	shown  atomic.Uint64 // counts Show calls, so the stream notices
}

// New returns a stopped camera.
func New(opts Options) *Camera {
	if opts.FPS <= 0 {
		opts.FPS = DefaultFPS
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Camera{opts: opts, streaming: camera.NewStream("camsim"), images: opts.Images}
}

// Show replaces the pictures the camera shows, in turn, from the next
// frame on, streaming or not; none brings back the test pattern. The
// virtual terminal shows an uploaded photo this way. The images must not
// change after.
func (c *Camera) Show(imgs ...image.Image) {
	c.mu.Lock()
	c.images = slices.Clone(imgs)
	c.mu.Unlock()
	c.shown.Add(1)
}

// pictures returns what to show and its Show count.
func (c *Camera) pictures() ([]image.Image, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.images, c.shown.Load()
}

func (c *Camera) String() string { return "camsim" }

func (c *Camera) Frames() <-chan *camera.Frame { return c.streaming.Frames() }

// Err is always nil: the simulation does not fail.
func (c *Camera) Err() error { return nil }

// Start streams in f; zero size means DefaultWidth×DefaultHeight.
func (c *Camera) Start(ctx context.Context, f camera.Format) error {
	f = f.WithDefaults()
	if f.Width == 0 && f.Height == 0 {
		f.Width, f.Height = DefaultWidth, DefaultHeight
	}
	f.Range = camera.Limited // what the source below produces
	imgs, shown := c.pictures()
	src, err := newSource(f, imgs)
	if err != nil {
		return err
	}
	conv, err := camera.NewConverter(f, 0)
	if err != nil {
		return err
	}
	pool, err := camera.NewPool(poolFrames, f, src.maxSize())
	if err != nil {
		return err
	}
	return c.streaming.Start(ctx, nil, func(ctx context.Context) { c.run(ctx, src, shown, conv, pool) })
}

// run delivers a frame per tick until ctx ends. shown is the Show count
// src was made for; a later Show remakes it.
func (c *Camera) run(ctx context.Context, src *source, shown uint64, conv *camera.Converter, pool *camera.Pool) {
	ticks, stop := c.opts.Clock.Every(time.Second / time.Duration(c.opts.FPS))
	defer stop()
	var seq uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
		if c.shown.Load() != shown {
			imgs, n := c.pictures()
			if s, err := newSource(src.f, imgs); err != nil {
				c.opts.Logger.Warn("camsim: pictures", "err", err)
			} else {
				src = s
			}
			shown = n
		}
		seq++
		fr := pool.Get()
		if fr == nil {
			continue // the consumer holds every frame: drop this one
		}
		if err := conv.Convert(fr, src.frame(seq)); err != nil {
			fr.Release()
			c.opts.Logger.Warn("camsim: frame", "err", err)
			continue
		}
		fr.Seq, fr.Time = seq, c.opts.Clock.Now()
		camera.Offer(c.streaming.Frames(), fr)
	}
}

// Stop ends streaming and releases frames not yet taken.
func (c *Camera) Stop() error {
	c.streaming.Stop()
	return nil
}

// Halt stops streaming for good and closes Frames.
func (c *Camera) Halt() error {
	c.streaming.Halt()
	return nil
}
