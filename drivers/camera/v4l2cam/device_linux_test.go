//go:build linux && cgo

package v4l2cam

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vladimirvivien/go4vl/v4l2"
	"golang.org/x/sys/unix"

	"payterm/drivers/camera"
)

func TestRangeOf(t *testing.T) {
	tests := []struct {
		name string
		pf   v4l2.PixFormat
		want camera.Range
	}{
		{"full said", v4l2.PixFormat{Quantization: v4l2.QuantizationFullRange}, camera.Full},
		{"limited said", v4l2.PixFormat{Quantization: v4l2.QuantizationLimitedRange, Colorspace: v4l2.ColorspaceJPEG}, camera.Limited},
		{"default sRGB is limited for YUV", v4l2.PixFormat{Colorspace: v4l2.ColorspaceSRGB}, camera.Limited},
		{"default SMPTE 170M", v4l2.PixFormat{Colorspace: v4l2.ColorspaceSMPTE170M}, camera.Limited},
		{"default JPEG is full", v4l2.PixFormat{Colorspace: v4l2.ColorspaceJPEG}, camera.Full},
	}
	for _, tt := range tests {
		if got := rangeOf(tt.pf); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOpenMissingDevice(t *testing.T) {
	c := New("/dev/no-such-video", Options{})
	defer c.Halt()
	if err := c.Start(context.Background(), camera.Format{}); err == nil {
		t.Fatal("Start on a missing device succeeded")
	}
}

// captureDevice finds a V4L2 capture node: $PAYTERM_V4L2_DEVICE, else
// the first /dev/video* that streams captures (vivid in QEMU).
func captureDevice(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PAYTERM_V4L2_DEVICE"); p != "" {
		return p
	}
	nodes, _ := filepath.Glob("/dev/video*")
	for _, p := range nodes {
		fd, err := v4l2.OpenDevice(p, unix.O_RDWR|unix.O_NONBLOCK, 0)
		if err != nil {
			continue
		}
		caps, err := v4l2.GetCapability(fd)
		v4l2.CloseDevice(fd)
		if err == nil && caps.IsVideoCaptureSupported() && caps.IsStreamingSupported() {
			return p
		}
	}
	t.Skip("no V4L2 capture device here; run in QEMU with vivid (or set PAYTERM_V4L2_DEVICE)")
	return ""
}

func TestRealDeviceStreams(t *testing.T) {
	path := captureDevice(t)
	c := New(path, Options{})
	defer c.Halt()
	ctx := context.Background()
	for _, f := range []camera.Format{
		{Width: 640, Height: 480, Encoding: camera.YUYV, Pixels: camera.Gray},
		{Width: 320, Height: 240, Encoding: camera.YUYV, Pixels: camera.RGBA},
	} {
		if err := c.Start(ctx, f); err != nil {
			t.Fatal(err)
		}
		var last uint64
		for range 3 {
			fr := nextFrame(t, c)
			if fr.Seq <= last || fr.Width <= 0 || fr.Height <= 0 || fr.Pixels != f.Pixels {
				t.Fatalf("frame seq %d after %d, %dx%d %v", fr.Seq, last, fr.Width, fr.Height, fr.Pixels)
			}
			if len(fr.Pix) != fr.Stride*fr.Height {
				t.Fatalf("frame of %d bytes, stride %d × %d rows", len(fr.Pix), fr.Stride, fr.Height)
			}
			last = fr.Seq
			fr.Release()
		}
		if err := c.Err(); err != nil {
			t.Fatalf("Err while streaming: %v", err)
		}
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestVividDisconnect pulls vivid's virtual plug (its Disconnect button
// control): the camera must report the fault, and stream again once
// vivid comes back, which it does when the last file handle on it closes
// — the camera's own, as it recovers. It runs only when asked,
// PAYTERM_VIVID_DISCONNECT=1, since a device that does not come back
// stays gone until the module is reloaded.
func TestVividDisconnect(t *testing.T) {
	if os.Getenv("PAYTERM_VIVID_DISCONNECT") != "1" {
		t.Skip("destructive; set PAYTERM_VIVID_DISCONNECT=1 to run (vivid only)")
	}
	path := captureDevice(t)
	c := New(path, Options{})
	defer c.Halt()
	if err := c.Start(context.Background(), camera.Format{}); err != nil {
		t.Fatal(err)
	}
	nextFrame(t, c).Release()

	fd, err := v4l2.OpenDevice(path, unix.O_RDWR|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctrls, err := v4l2.QueryAllControls(fd)
	if err != nil {
		v4l2.CloseDevice(fd)
		t.Fatal(err)
	}
	var id v4l2.CtrlID
	for _, ctl := range ctrls {
		if ctl.Name == "Disconnect" {
			id = ctl.ID
		}
	}
	if id == 0 {
		v4l2.CloseDevice(fd)
		t.Skip("device has no Disconnect control: not vivid")
	}
	// A button control: any value presses it, and its range is 0–0.
	err = v4l2.SetControlValue(fd, id, 0)
	v4l2.CloseDevice(fd)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-c.Errors():
		t.Logf("reported: %v", err)
	case <-time.After(DefaultStall + wait):
		t.Fatal("disconnect not reported")
	}
	if c.Err() == nil {
		t.Fatal("Err nil after the device went away")
	}
	if errors.Is(c.Err(), ErrStalled) {
		t.Log("the device stalled rather than failing outright")
	}
	// Frames already queued before the fault may still come; a frame
	// with a fresh stream's sequence after them shows the recovery.
	deadline := time.After(maxBackoff + DefaultStall + wait)
	for recovered := false; !recovered; {
		select {
		case f, ok := <-c.Frames():
			if !ok {
				t.Fatalf("stream closed: %v", c.Err())
			}
			recovered = c.Err() == nil
			f.Release()
		case <-deadline:
			t.Fatalf("no frames after the disconnect: %v", c.Err())
		}
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRealDeviceFrameRate streams 640×480 YUYV from a real device
// (vivid in QEMU) into gray frames and reports the frames per second it
// delivers, start-up excluded; one iteration is one frame, so run it with
// -benchtime=Nx.
func BenchmarkRealDeviceFrameRate(b *testing.B) {
	path := os.Getenv("PAYTERM_V4L2_DEVICE")
	if path == "" {
		b.Skip("set PAYTERM_V4L2_DEVICE to a capture device (vivid in QEMU)")
	}
	c := New(path, Options{})
	defer c.Halt()
	if err := c.Start(context.Background(), camera.Format{Width: 640, Height: 480, Encoding: camera.YUYV, Pixels: camera.Gray}); err != nil {
		b.Fatal(err)
	}
	first := <-c.Frames() // the stream is up
	first.Release()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		select {
		case f, ok := <-c.Frames():
			if !ok {
				b.Fatalf("stream ended: %v", c.Err())
			}
			f.Release()
		case <-time.After(DefaultStall + wait):
			b.Fatalf("no frame: %v", c.Err())
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "fps")
}
