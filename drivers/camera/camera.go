// Package camera defines a camera as the firmware sees it: started in a
// Format when the terminal wants pictures (a face, a code), delivering
// the newest frame in pooled buffers, stopped otherwise.
//
// Frames come from a Pool: the consumer returns each one with Release,
// so streaming allocates nothing per frame (MJPEG decoding aside). The
// V4L2 driver (v4l2cam) and the simulated twin (camsim) implement
// Camera; both convert with a Converter and run their capture goroutine
// under a Stream.
package camera

import (
	"context"
	"errors"
)

// Camera is a capture device.
type Camera interface {
	String() string
	// Halt stops streaming for good and releases the device; Frames'
	// channel closes.
	Halt() error
	// Start streams frames in format f (zero fields mean defaults, see
	// Format) until Stop, Halt or the end of ctx. Start on a streaming
	// camera restarts it in f. The device may adjust the size; each
	// Frame says what it holds.
	Start(ctx context.Context, f Format) error
	// Stop ends streaming; frames not yet taken are released. Stopping a
	// stopped camera does nothing.
	Stop() error
	// Frames delivers the newest frame: one not taken before the next is
	// ready is released (latest wins). The consumer must Release every
	// frame it takes. The channel is the same for the camera's life.
	Frames() <-chan *Frame
	// Err is the last streaming fault, nil while frames flow.
	Err() error
}

// None is the null camera of a board without one: starting fails with a
// clear error, no frame ever comes.
var None Camera = none{}

type none struct{}

func (none) String() string                      { return "no camera" }
func (none) Halt() error                         { return nil }
func (none) Start(context.Context, Format) error { return errNone }
func (none) Stop() error                         { return nil }
func (none) Frames() <-chan *Frame               { return nil }
func (none) Err() error                          { return nil }

var errNone = errors.New("camera: this board has no camera")
