package camera

import (
	"image"
	"sync/atomic"
	"time"
)

// Frame is one captured picture in a pooled buffer. Fields are set by
// the driver before delivery and read-only for the consumer, until
// Release hands the buffer back.
type Frame struct {
	Pixels        PixelFormat
	Width, Height int
	// Stride is bytes per row of Pix; 0 for a raw JPEG.
	Stride int
	// Pix holds the picture: Stride×Height bytes, or the JPEG's bytes.
	Pix []byte
	// Seq counts frames delivered since Start, from 1; a gap means frames
	// were dropped (consumer slow or pool empty).
	Seq uint64
	// Time is when the driver took the frame from the device, by its
	// clock.
	Time time.Time

	pool *Pool
	buf  []byte // the whole pooled buffer
	out  atomic.Bool
	gray image.Gray
	rgba image.RGBA
}

// Release returns the frame to its pool. The frame must not be used
// after; a second Release does nothing.
func (f *Frame) Release() {
	if f == nil || !f.out.CompareAndSwap(true, false) {
		return
	}
	f.pool.put(f)
}

// Gray views the frame as an image without copying; nil unless Pixels
// is Gray. The view is valid until Release.
func (f *Frame) Gray() *image.Gray {
	if f.Pixels != Gray {
		return nil
	}
	f.gray = image.Gray{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
	return &f.gray
}

// RGBA views the frame as an image without copying; nil unless Pixels
// is RGBA. The view is valid until Release.
func (f *Frame) RGBA() *image.RGBA {
	if f.Pixels != RGBA {
		return nil
	}
	f.rgba = image.RGBA{Pix: f.Pix, Stride: f.Stride, Rect: image.Rect(0, 0, f.Width, f.Height)}
	return &f.rgba
}

// Offer sends f on ch, which must have room for one frame, replacing and
// releasing a frame the consumer has not taken yet, so the consumer
// always gets the newest. Only one goroutine may offer on ch.
func Offer(ch chan *Frame, f *Frame) {
	for {
		select {
		case ch <- f:
			return
		default:
		}
		select {
		case old := <-ch:
			old.Release()
		default:
		}
	}
}

// Drain releases frames left in ch.
func Drain(ch chan *Frame) {
	for {
		select {
		case f := <-ch:
			f.Release()
		default:
			return
		}
	}
}
