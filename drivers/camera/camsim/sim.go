// Package camsim is the simulated twin of a camera: it streams a moving
// test pattern, or pictures (say, faces from image files), through the
// same conversion and frame pool as the V4L2 driver. Pictures can be
// changed while it streams (Show), and frames can come from elsewhere,
// one at a time (Feed: a browser's webcam in the virtual terminal).
package camsim

import (
	"context"
	"image"
	"log/slog"
	"sync"
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
	feed      chan image.Image // Feed's frame not yet delivered; latest wins

	mu     sync.Mutex
	images []image.Image // what Show set; Options.Images at first
	gen    uint64        // counts Show calls, so a stream sees a change
}

// fedFor is how long a fed frame silences the camera's own frames: a live
// source that stops for longer hands back to the pictures or pattern.
const fedFor = time.Second

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
	return &Camera{opts: opts, streaming: camera.NewStream("camsim"), feed: make(chan image.Image, 1), images: opts.Images}
}

// Show replaces the pictures shown in turn, one per frame, from the next
// frame on (while streaming) or the next Start; none brings back the test
// pattern. The images must not change after.
func (c *Camera) Show(images ...image.Image) {
	c.mu.Lock()
	c.images = append([]image.Image(nil), images...)
	c.gen++
	c.mu.Unlock()
}

// Feed delivers img, scaled to the frame size, as the next frame of a
// streaming camera, once; a frame fed before the stream took the last
// replaces it. While frames are fed (the last less than a second ago)
// the camera sends no frames of its own, so each fed picture reaches the
// consumer once, as from a live camera. Not streaming, it is dropped.
func (c *Camera) Feed(img image.Image) {
	for {
		select {
		case c.feed <- img:
			return
		default:
		}
		select {
		case <-c.feed:
		default:
		}
	}
}

func (c *Camera) shown() ([]image.Image, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.images, c.gen
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
	images, gen := c.shown()
	src, err := newSource(f, images)
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
	// Drop a frame fed before this stream: it belongs to no one now.
	select {
	case <-c.feed:
	default:
	}
	return c.streaming.Start(ctx, nil, func(ctx context.Context) { c.run(ctx, src, gen, conv, pool) })
}

// run delivers a frame per tick, and each fed frame, until ctx ends.
func (c *Camera) run(ctx context.Context, src *source, gen uint64, conv *camera.Converter, pool *camera.Pool) {
	ticks, stop := c.opts.Clock.Every(time.Second / time.Duration(c.opts.FPS))
	defer stop()
	var seq uint64
	var fedAt time.Time
	fed := make([]byte, 2*src.f.Width*src.f.Height)
	for {
		var raw []byte
		select {
		case <-ctx.Done():
			return
		case img := <-c.feed:
			fedAt = c.opts.Clock.Now()
			b, err := src.still(fed, img)
			if err != nil {
				c.opts.Logger.Warn("camsim: fed frame", "err", err)
				continue
			}
			raw = b
		case <-ticks:
			if !fedAt.IsZero() && c.opts.Clock.Now().Sub(fedAt) < fedFor {
				continue
			}
			if images, g := c.shown(); g != gen {
				next, err := newSource(src.f, images)
				if err != nil {
					c.opts.Logger.Warn("camsim: pictures", "err", err)
					continue
				}
				src, gen = next, g
			}
			raw = src.frame(seq + 1)
		}
		seq++
		fr := pool.Get()
		if fr == nil {
			continue // the consumer holds every frame: drop this one
		}
		if err := conv.Convert(fr, raw); err != nil {
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
