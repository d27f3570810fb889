//go:build linux && cgo

package v4l2cam

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vladimirvivien/go4vl/v4l2"
	"golang.org/x/sys/unix"

	"payterm/drivers/camera"
)

// v4l2Device is a memory-mapped V4L2 capture stream. Every call into
// go4vl is guarded: its panics become errors.
type v4l2Device struct {
	path      string
	fd        uintptr
	count     uint32   // buffers the driver granted
	bufs      [][]byte // mapped buffers, by index
	streaming bool
	st        streamInfo
	pfd       [1]unix.PollFd // reused so polling allocates nothing
	grown     bool           // the dequeuing goroutine's stack was grown
}

// openDevice opens path non-blocking, sets the format, maps n buffers,
// queues them all and turns streaming on.
func openDevice(path string, want camera.Format, n int) (_ device, err error) {
	defer guard(&err, "open")
	_ = growStack(n)
	fd, err := v4l2.OpenDevice(path, unix.O_RDWR|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	d := &v4l2Device{path: path, fd: fd, count: uint32(n)}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	if err := d.negotiate(want); err != nil {
		return nil, err
	}
	if err := d.startStreaming(); err != nil {
		return nil, err
	}
	return d, nil
}

// negotiate asks for want's encoding and size, progressive, and reads
// back what the driver chose.
func (d *v4l2Device) negotiate(want camera.Format) error {
	caps, err := v4l2.GetCapability(d.fd)
	if err != nil {
		return err
	}
	if !caps.IsVideoCaptureSupported() || !caps.IsStreamingSupported() {
		return fmt.Errorf("%s (%s) is not a streaming capture device", d.path, caps.Card)
	}
	pf, err := v4l2.GetPixFormat(d.fd)
	if err != nil {
		return err
	}
	pf.PixelFormat = fourCC(want.Encoding)
	if want.Width > 0 && want.Height > 0 {
		pf.Width, pf.Height = uint32(want.Width), uint32(want.Height)
	}
	pf.Field = v4l2.FieldNone
	pf.BytesPerLine, pf.SizeImage = 0, 0 // the driver computes them
	if err := v4l2.SetPixFormat(d.fd, pf); err != nil {
		return err
	}
	got, err := v4l2.GetPixFormat(d.fd)
	if err != nil {
		return err
	}
	if got.PixelFormat != pf.PixelFormat {
		return fmt.Errorf("%s (%s) does not offer %v", d.path, caps.Card, want.Encoding)
	}
	f := camera.Format{
		Width:    int(got.Width),
		Height:   int(got.Height),
		Encoding: want.Encoding,
		Pixels:   want.Pixels,
		Range:    rangeOf(got),
	}
	stride := int(got.BytesPerLine)
	if stride == 0 && f.Encoding == camera.YUYV {
		stride = 2 * f.Width
	}
	d.st = streamInfo{format: f, stride: stride, imageSize: int(got.SizeImage)}
	return nil
}

// startStreaming requests and maps the buffers, queues them and turns
// the stream on.
func (d *v4l2Device) startStreaming() error {
	sd := streamingDevice{d}
	req, err := v4l2.InitBuffers(sd)
	if err != nil {
		return err
	}
	if req.Count < 2 {
		return fmt.Errorf("%s granted %d buffers, need 2", d.path, req.Count)
	}
	d.count = req.Count
	if d.bufs, err = v4l2.MapMemoryBuffers(sd); err != nil {
		return err
	}
	for i := range d.count {
		if _, err := v4l2.QueueBuffer(d.fd, v4l2.IOTypeMMAP, v4l2.BufTypeVideoCapture, i); err != nil {
			return err
		}
	}
	if err := v4l2.StreamOn(sd); err != nil {
		return err
	}
	d.streaming = true
	return nil
}

func (d *v4l2Device) info() streamInfo { return d.st }

func (d *v4l2Device) wait(timeout time.Duration) (pollResult, error) {
	d.pfd[0] = unix.PollFd{Fd: int32(d.fd), Events: unix.POLLIN}
	n, err := unix.Poll(d.pfd[:], int(timeout/time.Millisecond))
	switch {
	case errors.Is(err, unix.EINTR):
		return pollIdle, nil
	case err != nil:
		return pollIdle, err
	case n == 0:
		return pollIdle, nil
	}
	re := d.pfd[0].Revents
	switch {
	case re&unix.POLLNVAL != 0:
		return pollIdle, errors.New("poll: device file not open")
	case re&(unix.POLLERR|unix.POLLHUP) != 0:
		return pollFault, nil
	case re&unix.POLLIN != 0:
		return pollReady, nil
	}
	return pollIdle, nil
}

func (d *v4l2Device) dequeue() (_ dequeued, err error) {
	defer guard(&err, "dequeue")
	if !d.grown {
		_ = growStack(int(d.count))
		d.grown = true
	}
	b, err := v4l2.DequeueBuffer(d.fd, v4l2.IOTypeMMAP, v4l2.BufTypeVideoCapture)
	if err != nil {
		return dequeued{}, err
	}
	if int(b.Index) >= len(d.bufs) {
		return dequeued{}, fmt.Errorf("driver returned buffer %d of %d", b.Index, len(d.bufs))
	}
	return dequeued{
		index:   int(b.Index),
		used:    int(b.BytesUsed),
		corrupt: b.Flags&v4l2.BufFlagError != 0,
	}, nil
}

func (d *v4l2Device) buffer(i int) []byte { return d.bufs[i] }

// growStack grows the calling goroutine's stack before go4vl's ioctls.
// go4vl hands the kernel a pointer to a struct on the caller's stack as
// a uintptr through two Go functions before the syscall; should the
// stack grow on the way, the struct moves and the kernel answers into
// the old copy. Seen on a goroutine's first open (a small fresh stack):
// QUERYBUF's answer lost, so mmap of length 0 failed with EINVAL. With
// room made beforehand the stack does not move under the ioctl.
//
// Its result only keeps the frame from being optimised away.
//
//go:noinline
func growStack(i int) byte {
	var pad [32 << 10]byte
	return pad[i&(len(pad)-1)]
}

func (d *v4l2Device) requeue(i int) (err error) {
	defer guard(&err, "queue")
	_, err = v4l2.QueueBuffer(d.fd, v4l2.IOTypeMMAP, v4l2.BufTypeVideoCapture, uint32(i))
	return err
}

// close turns streaming off, unmaps and closes; the kernel frees the
// buffers with the last file handle.
func (d *v4l2Device) close() (err error) {
	defer guard(&err, "close")
	var errs []error
	sd := streamingDevice{d}
	if d.streaming {
		errs = append(errs, v4l2.StreamOff(sd))
		d.streaming = false
	}
	if d.bufs != nil {
		errs = append(errs, v4l2.UnmapMemoryBuffers(sd))
		d.bufs = nil
	}
	if d.fd != 0 {
		errs = append(errs, v4l2.CloseDevice(d.fd))
		d.fd = 0
	}
	return errors.Join(errs...)
}

// fourCC is the V4L2 pixel format of an encoding.
func fourCC(e camera.Encoding) v4l2.FourCCType {
	if e == camera.MJPEG {
		return v4l2.PixelFmtMJPEG
	}
	return v4l2.PixelFmtYUYV
}

// rangeOf reads the quantisation the driver reports. "Default" means,
// for Y'CbCr formats, limited range except in the JPEG colourspace (the
// kernel's V4L2_MAP_QUANTIZATION_DEFAULT in videodev2.h); go4vl's
// ColorspaceToQuantization is not used because it calls sRGB full range
// whatever the encoding.
func rangeOf(pf v4l2.PixFormat) camera.Range {
	switch pf.Quantization {
	case v4l2.QuantizationFullRange:
		return camera.Full
	case v4l2.QuantizationLimitedRange:
		return camera.Limited
	}
	if pf.Colorspace == v4l2.ColorspaceJPEG {
		return camera.Full
	}
	return camera.Limited
}

// streamingDevice gives go4vl's buffer functions (InitBuffers,
// MapMemoryBuffers, StreamOn/Off, UnmapMemoryBuffers) the few facts they
// read; its capture-loop methods are deliberately inert.
type streamingDevice struct{ d *v4l2Device }

var _ v4l2.StreamingDevice = streamingDevice{}

func (s streamingDevice) Name() string                { return s.d.path }
func (s streamingDevice) Fd() uintptr                 { return s.d.fd }
func (s streamingDevice) Capability() v4l2.Capability { return v4l2.Capability{} }
func (s streamingDevice) MemIOType() v4l2.IOType      { return v4l2.IOTypeMMAP }
func (s streamingDevice) GetOutput() <-chan []byte    { return nil }
func (s streamingDevice) SetInput(<-chan []byte)      {}
func (s streamingDevice) Close() error                { return nil }
func (s streamingDevice) Buffers() [][]byte           { return s.d.bufs }
func (s streamingDevice) BufferType() v4l2.BufType    { return v4l2.BufTypeVideoCapture }
func (s streamingDevice) BufferCount() uint32         { return s.d.count }
func (s streamingDevice) Start(context.Context) error { return errNotHere }
func (s streamingDevice) Stop() error                 { return nil }

var errNotHere = errors.New("v4l2cam: go4vl's capture loop is not used")
