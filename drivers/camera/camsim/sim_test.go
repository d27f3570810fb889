package camsim

import (
	"context"
	"image"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/cameratest"
)

const wait = 5 * time.Second

// manualClock ticks when the test says.
type manualClock struct {
	mu    sync.Mutex
	ticks chan time.Time
	now   time.Time
}

func newManualClock() *manualClock {
	return &manualClock{ticks: make(chan time.Time), now: time.Unix(1700000000, 0)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Every(time.Duration) (<-chan time.Time, func()) { return c.ticks, func() {} }

// tick advances time by one frame and waits until the stream took it.
func (c *manualClock) tick(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	c.now = c.now.Add(time.Second / 15)
	c.mu.Unlock()
	select {
	case c.ticks <- c.now:
	case <-time.After(wait):
		t.Fatal("stream not ticking")
	}
}

func next(t *testing.T, cam *Camera) *camera.Frame {
	t.Helper()
	return cameratest.NextFrame(t, cam, wait)
}

func TestPatternMoves(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk})
	defer cam.Halt()
	if err := cam.Start(context.Background(), camera.Format{Width: 64, Height: 32, Pixels: camera.Gray}); err != nil {
		t.Fatal(err)
	}
	clk.tick(t)
	a := next(t, cam)
	clk.tick(t)
	b := next(t, cam)
	if a.Seq != 1 || b.Seq != 2 || !b.Time.After(a.Time) {
		t.Fatalf("seq %d then %d, times %v then %v", a.Seq, b.Seq, a.Time, b.Time)
	}
	if a.Width != 64 || a.Height != 32 || a.Gray() == nil {
		t.Fatalf("frame %dx%d %v", a.Width, a.Height, a.Pixels)
	}
	// The bar is the brightest column; it moved 8 pixels right.
	if ba, bb := brightest(a.Gray()), brightest(b.Gray()); bb != ba+8 {
		t.Fatalf("bar at x=%d then x=%d, want a move of 8", ba, bb)
	}
	a.Release()
	b.Release()
}

func brightest(g *image.Gray) int {
	for x := range g.Rect.Dx() {
		if g.GrayAt(x, 0).Y == 235 {
			return x
		}
	}
	return -1
}

func TestSlowConsumerGetsNewestFrame(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk})
	defer cam.Halt()
	if err := cam.Start(context.Background(), camera.Format{Width: 16, Height: 8, Pixels: camera.RGBA}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		clk.tick(t)
	}
	clk.tick(t) // once this is taken, frame 5 has been offered
	f := next(t, cam)
	if f.Seq < 5 || f.RGBA() == nil {
		t.Fatalf("got frame %d (%v), want the newest", f.Seq, f.Pixels)
	}
	f.Release()
}

func TestFacesFromFiles(t *testing.T) {
	paths, _ := filepath.Glob("../../../../shared/testdata/faces/*.jpg")
	if len(paths) < 2 {
		t.Skip("face pictures not found in ../shared/testdata/faces")
	}
	imgs, err := LoadImages(paths[:2]...)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []camera.Encoding{camera.YUYV, camera.MJPEG} {
		clk := newManualClock()
		cam := New(Options{Clock: clk, Images: imgs})
		if err := cam.Start(context.Background(), camera.Format{Width: 320, Height: 240, Encoding: enc, Pixels: camera.Gray}); err != nil {
			t.Fatal(err)
		}
		var means []float64
		for range 3 {
			clk.tick(t)
			f := next(t, cam)
			means = append(means, mean(f.Gray()))
			f.Release()
		}
		cam.Halt()
		// Pictures alternate: frames 1 and 3 are the same one.
		if d := means[0] - means[2]; d > 2 || d < -2 {
			t.Fatalf("%v: frames 1 and 3 differ: means %v", enc, means)
		}
		if means[0] == means[1] {
			t.Fatalf("%v: frames 1 and 2 are the same: means %v", enc, means)
		}
	}
}

func mean(g *image.Gray) float64 {
	var sum int
	for _, v := range g.Pix {
		sum += int(v)
	}
	return float64(sum) / float64(len(g.Pix))
}

func TestStopReleasesAndHaltCloses(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk})
	ctx := context.Background()
	if err := cam.Start(ctx, camera.Format{Width: 16, Height: 8}); err != nil {
		t.Fatal(err)
	}
	clk.tick(t)
	clk.tick(t)
	if err := cam.Stop(); err != nil {
		t.Fatal(err)
	}
	select {
	case f := <-cam.Frames():
		t.Fatalf("frame %d left after Stop", f.Seq)
	default:
	}
	// Restart in another format.
	if err := cam.Start(ctx, camera.Format{Width: 32, Height: 16, Encoding: camera.MJPEG, Pixels: camera.RGBA}); err != nil {
		t.Fatal(err)
	}
	clk.tick(t)
	clk.tick(t)
	f := next(t, cam)
	if f.Width != 32 || f.RGBA() == nil {
		t.Fatalf("after restart: %dx%d %v", f.Width, f.Height, f.Pixels)
	}
	f.Release()
	if err := cam.Halt(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-cam.Frames(); ok {
		t.Fatal("Frames open after Halt")
	}
	if err := cam.Start(ctx, camera.Format{}); err == nil {
		t.Fatal("Start after Halt succeeded")
	}
}

func TestContextEndsStream(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk})
	defer cam.Halt()
	ctx, cancel := context.WithCancel(context.Background())
	if err := cam.Start(ctx, camera.Format{Width: 16, Height: 8}); err != nil {
		t.Fatal(err)
	}
	clk.tick(t)
	cancel()
	select {
	case clk.ticks <- time.Time{}:
		// The stream may take one tick racing the cancel; not two.
		select {
		case clk.ticks <- time.Time{}:
			t.Fatal("stream still ticking after its context ended")
		case <-time.After(100 * time.Millisecond):
		}
	case <-time.After(100 * time.Millisecond):
	}
}

func TestBadFormatsRefused(t *testing.T) {
	cam := New(Options{})
	defer cam.Halt()
	for _, f := range []camera.Format{
		{Width: 15, Height: 8, Encoding: camera.YUYV},
		{Width: -1, Height: 8},
		{Width: 16, Height: 8, Pixels: 42},
	} {
		if err := cam.Start(context.Background(), f); err == nil {
			t.Errorf("%v accepted", f)
		}
	}
}

// TestShowWhileStreaming: pictures set by Show replace the pattern from
// the next frame, and Show with none brings it back.
func TestShowWhileStreaming(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk})
	defer cam.Halt()
	if err := cam.Start(context.Background(), camera.Format{Width: 64, Height: 32, Pixels: camera.Gray}); err != nil {
		t.Fatal(err)
	}
	frame := func() float64 {
		clk.tick(t)
		f := next(t, cam)
		defer f.Release()
		return mean(f.Gray())
	}
	if m := frame(); m < 40 || m > 200 {
		t.Fatalf("pattern mean %v", m)
	}
	black := image.NewGray(image.Rect(0, 0, 10, 10))
	cam.Show(black)
	if m := frame(); m != 16 {
		t.Fatalf("black picture: mean %v, want 16 (limited-range black)", m)
	}
	cam.Show()
	if m := frame(); m == 16 {
		t.Fatal("pattern not back after Show()")
	}
}
