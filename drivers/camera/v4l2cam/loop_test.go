package v4l2cam

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"payterm/drivers/camera"
)

func start(t *testing.T, o *opener, clk *fakeClock, f camera.Format) *Camera {
	t.Helper()
	c := newCamera("/dev/video9", Options{Clock: clk, PoolFrames: 2}, o.open)
	if err := c.Start(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Halt() })
	return c
}

func opened(t *testing.T, o *opener) *fakeDevice {
	t.Helper()
	select {
	case d := <-o.opened:
		return d
	case <-time.After(wait):
		t.Fatal("device not opened")
	}
	return nil
}

func TestFramesAreConvertedAndBuffersRequeued(t *testing.T) {
	for _, pix := range []camera.PixelFormat{camera.Gray, camera.RGBA, camera.Raw} {
		t.Run(pix.String(), func(t *testing.T) {
			o := newOpener(newFakeDevice(camera.Gray))
			c := start(t, o, &fakeClock{}, camera.Format{Pixels: pix})
			d := opened(t, o)
			for i := range 5 { // more frames than buffers: requeueing is needed
				d.steps <- step{res: pollReady, luma: uint8(50 + i)}
				f := nextFrame(t, c)
				if f.Seq != uint64(i+1) || f.Width != 4 || f.Height != 2 || f.Pixels != pix {
					t.Fatalf("frame %d: seq %d %dx%d %v", i, f.Seq, f.Width, f.Height, f.Pixels)
				}
				if pix == camera.Gray && f.Gray().GrayAt(3, 1).Y != uint8(50+i) {
					t.Fatalf("frame %d: luma %d", i, f.Gray().GrayAt(3, 1).Y)
				}
				f.Release()
			}
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
			if !d.isClosed() || !d.allQueued() {
				t.Fatalf("after Stop: closed %v, all buffers requeued %v", d.isClosed(), d.allQueued())
			}
			noErr(t, c)
		})
	}
}

func TestFaultsStopReportAndReopen(t *testing.T) {
	tests := []struct {
		name  string
		fault step
		want  string // in the reported error
	}{
		{"device gone", step{res: pollFault, dqErr: syscall.ENODEV}, "no such device"},
		{"I/O error", step{res: pollReady, dqErr: syscall.EIO}, "input/output error"},
		{"panic in dequeue", step{res: pollReady, dqPanic: "index out of range"}, "panic: index out of range"},
		{"poll fails", step{waitErr: syscall.EBADF}, "bad file descriptor"},
		{"fault with nothing to dequeue", step{res: pollFault, dqErr: syscall.EAGAIN}, "resource temporarily unavailable"},
		{"requeue fails", step{res: pollReady, requeueErr: syscall.EINVAL}, "requeue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, second := newFakeDevice(0), newFakeDevice(0)
			o := newOpener(first, second)
			clk := &fakeClock{}
			c := start(t, o, clk, camera.Format{})
			opened(t, o).steps <- step{res: pollReady, luma: 1}
			nextFrame(t, c).Release()

			first.steps <- tt.fault
			err := nextErr(t, c)
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "v4l2cam: ") {
				t.Fatalf("reported %q, want it to mention %q", err, tt.want)
			}
			if c.Err() == nil {
				t.Fatal("Err is nil during the fault")
			}
			d := opened(t, o)
			if d != second || !first.isClosed() {
				t.Fatalf("not reopened: second device %v, first closed %v", d == second, first.isClosed())
			}
			second.steps <- step{res: pollReady, luma: 2}
			f := nextFrame(t, c)
			if f.Seq != 2 {
				t.Fatalf("frame after reopen has seq %d, want 2 (counted since Start)", f.Seq)
			}
			f.Release()
			if c.Err() != nil {
				t.Fatalf("Err still %v once frames flow again", c.Err())
			}
			if got := clk.backoffs(); len(got) != 1 || got[0] != minBackoff {
				t.Fatalf("backoffs %v, want [%v]", got, minBackoff)
			}
		})
	}
}

func TestNothingToDequeueIsNotAFault(t *testing.T) {
	o := newOpener(newFakeDevice(0))
	c := start(t, o, &fakeClock{}, camera.Format{})
	d := opened(t, o)
	d.steps <- step{res: pollReady, dqErr: syscall.EAGAIN}
	d.steps <- step{res: pollReady, dqErr: syscall.EINTR}
	d.steps <- step{res: pollReady, luma: 9}
	if f := nextFrame(t, c); f.Seq != 1 {
		t.Fatalf("seq %d", f.Seq)
	}
	noErr(t, c)
	if o.count() != 1 {
		t.Fatalf("%d opens, want 1", o.count())
	}
}

func TestDamagedFramesAreSkipped(t *testing.T) {
	o := newOpener(newFakeDevice(0))
	c := start(t, o, &fakeClock{}, camera.Format{})
	d := opened(t, o)
	d.steps <- step{res: pollReady, corrupt: true, luma: 1}
	d.steps <- step{res: pollReady, used: 3, luma: 2} // short of a 4×2 YUYV frame
	d.steps <- step{res: pollReady, luma: 3}
	f := nextFrame(t, c)
	if f.Gray().GrayAt(0, 0).Y != 3 || f.Seq != 3 {
		t.Fatalf("got luma %d seq %d, want the third frame", f.Gray().GrayAt(0, 0).Y, f.Seq)
	}
	f.Release()
	noErr(t, c)
	c.Stop()
	if !d.allQueued() {
		t.Fatal("a skipped frame's buffer was not requeued")
	}
}

func TestHeldFramesDropNewOnesNotBuffers(t *testing.T) {
	o := newOpener(newFakeDevice(0))
	c := start(t, o, &fakeClock{}, camera.Format{}) // pool of 2
	d := opened(t, o)
	var held []*camera.Frame
	for i := range 2 {
		d.steps <- step{res: pollReady, luma: uint8(i)}
		held = append(held, nextFrame(t, c))
	}
	// Both pooled frames are out: these captures are dropped, yet the
	// device keeps getting its buffers back.
	for range 4 {
		d.steps <- step{res: pollReady}
	}
	d.steps <- step{res: pollIdle} // taken only after the last drop is done
	held[0].Release()
	d.steps <- step{res: pollReady, luma: 77}
	f := nextFrame(t, c)
	if f.Seq != 7 || f.Gray().GrayAt(0, 0).Y != 77 {
		t.Fatalf("seq %d luma %d, want 7 and 77", f.Seq, f.Gray().GrayAt(0, 0).Y)
	}
	noErr(t, c)
}

func TestStallIsAFault(t *testing.T) {
	first, second := newFakeDevice(0), newFakeDevice(0)
	o := newOpener(first, second)
	clk := &fakeClock{}
	c := start(t, o, clk, camera.Format{})
	opened(t, o)
	// The loop reads the clock when it starts; keep time moving until it
	// notices.
	var err error
	for deadline := time.Now().Add(wait); err == nil && time.Now().Before(deadline); {
		clk.advance(DefaultStall + time.Second)
		select {
		case err = <-c.Errors():
		case <-time.After(10 * time.Millisecond):
		}
	}
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("reported %v, want ErrStalled", err)
	}
	if opened(t, o) != second {
		t.Fatal("not reopened after a stall")
	}
}

func TestReopenBacksOff(t *testing.T) {
	gone := errors.New("no such device")
	first, last := newFakeDevice(0), newFakeDevice(0)
	results := []any{first}
	for range 8 {
		results = append(results, gone)
	}
	o := newOpener(append(results, last)...)
	clk := &fakeClock{}
	c := start(t, o, clk, camera.Format{})
	opened(t, o)
	first.steps <- step{res: pollFault, dqErr: syscall.ENODEV}
	if opened(t, o) != last {
		t.Fatal("not reopened")
	}
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000}
	got := clk.backoffs()
	if len(got) != len(want) {
		t.Fatalf("backoffs %v", got)
	}
	for i := range want {
		if got[i] != want[i]*time.Millisecond {
			t.Fatalf("backoffs %v, want %v ms", got, want)
		}
	}
	// One report per fault: the stream's, then each failed open.
	n := 0
	for len(c.Errors()) > 0 {
		<-c.Errors()
		n++
	}
	if n != errBuffer {
		t.Fatalf("%d reports kept, want the first %d", n, errBuffer)
	}
}

func TestStartFailsWhenTheDeviceCannotOpen(t *testing.T) {
	o := newOpener(errors.New("no such file"))
	c := newCamera("/dev/video9", Options{Clock: &fakeClock{}}, o.open)
	defer c.Halt()
	err := c.Start(context.Background(), camera.Format{})
	if err == nil || !strings.Contains(err.Error(), "/dev/video9") {
		t.Fatalf("Start: %v", err)
	}
	// No background retries after a failed Start.
	time.Sleep(10 * time.Millisecond)
	if o.count() != 1 {
		t.Fatalf("%d opens after a failed Start", o.count())
	}
}

func TestOpenPanicIsAnError(t *testing.T) {
	c := newCamera("/dev/video9", Options{}, func(string, camera.Format, int) (device, error) {
		panic("cgo went wrong")
	})
	defer c.Halt()
	if err := c.Start(context.Background(), camera.Format{}); err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("Start: %v", err)
	}
}

func TestRestartContextAndHalt(t *testing.T) {
	first, second := newFakeDevice(0), newFakeDevice(0)
	o := newOpener(first, second)
	c := newCamera("/dev/video9", Options{Clock: &fakeClock{}}, o.open)
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Start(ctx, camera.Format{}); err != nil {
		t.Fatal(err)
	}
	opened(t, o)
	// Restart in another format: the first device is closed first.
	if err := c.Start(context.Background(), camera.Format{Pixels: camera.RGBA}); err != nil {
		t.Fatal(err)
	}
	if !first.isClosed() {
		t.Fatal("restart left the first device open")
	}
	opened(t, o).steps <- step{res: pollReady}
	if f := nextFrame(t, c); f.RGBA() == nil {
		t.Fatalf("after restart: %v frames", f.Pixels)
	}
	cancel() // the first Start's context no longer matters
	if second.isClosed() {
		t.Fatal("old context stopped the new stream")
	}
	if err := c.Halt(); err != nil {
		t.Fatal(err)
	}
	if !second.isClosed() {
		t.Fatal("Halt left the device open")
	}
	if _, ok := <-c.Frames(); ok {
		t.Fatal("Frames open after Halt")
	}
	if _, ok := <-c.Errors(); ok {
		t.Fatal("Errors open after Halt")
	}
	if err := c.Start(context.Background(), camera.Format{}); err == nil {
		t.Fatal("Start after Halt succeeded")
	}
}
