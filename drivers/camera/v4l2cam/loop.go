package v4l2cam

import (
	"context"
	"errors"
	"fmt"

	"payterm/drivers/camera"
)

// stream is an open device with its converter and frame pool.
type stream struct {
	dev  device
	conv *camera.Converter
	pool *camera.Pool
}

// openStream opens the device for want and prepares conversion for what
// it agreed to. A panic below becomes an error.
func (c *Camera) openStream(want camera.Format) (s stream, err error) {
	defer guard(&err, "open")
	dev, err := c.open(c.path, want, c.opts.Buffers)
	if err != nil {
		return stream{}, fmt.Errorf("v4l2cam: %s: %w", c.path, err)
	}
	info := dev.info()
	conv, err := camera.NewConverter(info.format, info.stride)
	if err == nil {
		s.pool, err = camera.NewPool(c.opts.PoolFrames, conv.Format(), max(info.imageSize, 1))
	}
	if err != nil {
		c.closeDevice(dev)
		return stream{}, fmt.Errorf("v4l2cam: %s: %w", c.path, err)
	}
	s.dev, s.conv = dev, conv
	return s, nil
}

// run streams until ctx ends; each fault closes the device, is
// reported, and the device is reopened after a backoff that doubles
// from minBackoff to maxBackoff and starts over once frames flow again.
func (c *Camera) run(ctx context.Context, want camera.Format, s stream) {
	var seq uint64 // frames taken from the device since Start
	backoff := minBackoff
	for {
		delivered, err := c.capture(ctx, s, &seq)
		c.closeDevice(s.dev)
		if ctx.Err() != nil {
			return
		}
		c.report(err)
		if delivered > 0 {
			backoff = minBackoff
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.opts.Clock.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			if s, err = c.openStream(want); err == nil {
				break
			}
			c.report(err)
		}
	}
}

// capture is the poll–dequeue–convert–requeue loop. It returns when ctx
// ends (nil error) or at the first fault, with how many frames it
// delivered.
func (c *Camera) capture(ctx context.Context, s stream, seq *uint64) (delivered int, err error) {
	defer guard(&err, "capture")
	last := c.opts.Clock.Now()
	for ctx.Err() == nil {
		res, err := s.dev.wait(pollTimeout)
		if err != nil {
			return delivered, fmt.Errorf("v4l2cam: %s: poll: %w", c.path, err)
		}
		if res == pollIdle {
			if c.opts.Clock.Now().Sub(last) > c.opts.Stall {
				return delivered, fmt.Errorf("%w for %v (%s)", ErrStalled, c.opts.Stall, c.path)
			}
			continue
		}
		dq, err := s.dev.dequeue()
		if err != nil {
			if temporary(err) && res == pollReady {
				continue // woken with nothing to take
			}
			return delivered, fmt.Errorf("v4l2cam: %s: dequeue: %w", c.path, err)
		}
		last = c.opts.Clock.Now()
		fr, cerr := c.convert(s, dq)
		if err := s.dev.requeue(dq.index); err != nil {
			fr.Release()
			return delivered, fmt.Errorf("v4l2cam: %s: requeue: %w", c.path, err)
		}
		*seq++
		if cerr != nil {
			c.opts.Logger.Debug("v4l2cam: frame skipped", "camera", c.path, "err", cerr)
			continue
		}
		if fr == nil {
			continue // the consumer holds every pooled frame: drop this one
		}
		if delivered == 0 {
			c.setErr(nil) // before the frame, so a consumer never sees both
		}
		fr.Seq, fr.Time = *seq, last
		camera.Offer(c.streaming.Frames(), fr)
		delivered++
	}
	return delivered, nil
}

// errCorrupt marks a buffer the driver flagged as damaged.
var errCorrupt = errors.New("v4l2cam: driver flagged the buffer as damaged")

// convert copies a dequeued buffer into a pooled frame (nil when the
// pool is empty). The buffer is not touched after convert returns, so
// it can be requeued.
func (c *Camera) convert(s stream, dq dequeued) (*camera.Frame, error) {
	if dq.corrupt {
		return nil, errCorrupt
	}
	fr := s.pool.Get()
	if fr == nil {
		return nil, nil
	}
	buf := s.dev.buffer(dq.index)
	if dq.used < 0 || dq.used > len(buf) {
		fr.Release()
		return nil, fmt.Errorf("v4l2cam: buffer %d: %d bytes used of %d", dq.index, dq.used, len(buf))
	}
	if err := s.conv.Convert(fr, buf[:dq.used]); err != nil {
		fr.Release()
		return nil, err
	}
	return fr, nil
}

// closeDevice closes dev; errors (a device that went away fails most
// of the ioctls) are only logged.
func (c *Camera) closeDevice(dev device) {
	err := func() (err error) {
		defer guard(&err, "close")
		return dev.close()
	}()
	if err != nil {
		c.opts.Logger.Debug("v4l2cam: close", "camera", c.path, "err", err)
	}
}
