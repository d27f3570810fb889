package v4l2cam

import (
	"time"

	"payterm/drivers/camera"
)

// device is one open, streaming capture device. Only the stream
// goroutine uses it; device_linux.go drives V4L2 through go4vl's v4l2
// layer and tests drive the loop with a fake.
type device interface {
	// info is what the device agreed to.
	info() streamInfo
	// wait polls for a filled buffer for at most timeout.
	wait(timeout time.Duration) (pollResult, error)
	// dequeue takes a filled buffer from the driver.
	dequeue() (dequeued, error)
	// buffer is the memory of buffer index, valid until it is requeued.
	buffer(index int) []byte
	// requeue hands buffer index back to the driver to fill.
	requeue(index int) error
	// close stops streaming and releases buffers and the device, as far
	// as a device that went away still allows.
	close() error
}

// openFunc opens path, negotiates want (zero size means the device's
// current one) with n buffers, and starts streaming.
type openFunc func(path string, want camera.Format, n int) (device, error)

// streamInfo is a negotiated stream.
type streamInfo struct {
	// format has the device's size, encoding and range, and the
	// consumer's Pixels.
	format camera.Format
	// stride is bytes per YUYV row in a buffer.
	stride int
	// imageSize is the most bytes a frame fills (V4L2 sizeimage).
	imageSize int
}

// pollResult is what poll(2) said about the device.
type pollResult int

const (
	pollIdle  pollResult = iota // nothing within the time-out
	pollReady                   // a buffer can be dequeued
	pollFault                   // POLLERR or POLLHUP: dequeue tells what
)

// dequeued is a filled buffer.
type dequeued struct {
	index   int
	used    int  // bytes filled
	corrupt bool // V4L2_BUF_FLAG_ERROR: the driver says the data is damaged
}
