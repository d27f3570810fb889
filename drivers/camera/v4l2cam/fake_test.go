package v4l2cam

import (
	"errors"
	"sync"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/cameratest"
)

const wait = 5 * time.Second

// step is what the fake device does on one wait: a frame, a fault, a
// panic.
type step struct {
	res        pollResult
	waitErr    error
	dqErr      error
	dqPanic    string
	corrupt    bool
	used       int // bytes filled; zero means the whole buffer
	requeueErr error
	luma       uint8 // the frame's Y samples
}

// fakeDevice streams YUYV frames of 4×2 pixels from scripted steps. With
// no step waiting, wait idles for a millisecond.
type fakeDevice struct {
	steps chan step
	st    streamInfo

	mu      sync.Mutex
	bufs    [][]byte
	queued  []bool
	pending *step // the step whose buffer dequeue hands out
	next    int   // buffer index the next frame fills
	closed  bool
	// requeueErr is what the next requeue returns, from the last step.
	requeueErr error
}

func newFakeDevice(pixels camera.PixelFormat) *fakeDevice {
	d := &fakeDevice{
		steps: make(chan step), // unbuffered: a send returns once the loop is past the step before
		st: streamInfo{
			format:    camera.Format{Width: 4, Height: 2, Encoding: camera.YUYV, Pixels: pixels},
			stride:    8,
			imageSize: 16,
		},
	}
	for range 3 {
		d.bufs = append(d.bufs, make([]byte, 16))
		d.queued = append(d.queued, true)
	}
	return d
}

func (d *fakeDevice) info() streamInfo { return d.st }

func (d *fakeDevice) wait(time.Duration) (pollResult, error) {
	select {
	case s := <-d.steps:
		d.mu.Lock()
		d.pending = &s
		d.mu.Unlock()
		return s.res, s.waitErr
	case <-time.After(time.Millisecond):
		return pollIdle, nil
	}
}

func (d *fakeDevice) dequeue() (dequeued, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.pending
	d.pending = nil
	if s == nil {
		return dequeued{}, errors.New("fake: dequeue without a ready buffer")
	}
	if s.dqPanic != "" {
		panic(s.dqPanic)
	}
	if s.dqErr != nil {
		return dequeued{}, s.dqErr
	}
	i := d.next
	if !d.queued[i] {
		return dequeued{}, errors.New("fake: every buffer is dequeued: the loop does not requeue")
	}
	d.next = (d.next + 1) % len(d.bufs)
	d.queued[i] = false
	for j := 0; j < len(d.bufs[i]); j += 2 {
		d.bufs[i][j], d.bufs[i][j+1] = s.luma, 128
	}
	used := s.used
	if used == 0 {
		used = len(d.bufs[i])
	}
	d.requeueErr = s.requeueErr
	return dequeued{index: i, used: used, corrupt: s.corrupt}, nil
}

func (d *fakeDevice) buffer(i int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bufs[i]
}

func (d *fakeDevice) requeue(i int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.requeueErr; err != nil {
		d.requeueErr = nil
		return err
	}
	if d.queued[i] {
		return errors.New("fake: buffer requeued twice")
	}
	d.queued[i] = true
	return nil
}

func (d *fakeDevice) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

func (d *fakeDevice) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// allQueued reports whether the loop gave every buffer back.
func (d *fakeDevice) allQueued() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, q := range d.queued {
		if !q {
			return false
		}
	}
	return true
}

// opener hands out devices (or errors) in order and counts opens.
type opener struct {
	mu      sync.Mutex
	results []any // *fakeDevice or error
	opens   int
	opened  chan *fakeDevice
}

func newOpener(results ...any) *opener {
	return &opener{results: results, opened: make(chan *fakeDevice, 16)}
}

func (o *opener) open(_ string, want camera.Format, _ int) (device, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.opens >= len(o.results) {
		return nil, errors.New("fake: no more devices")
	}
	r := o.results[o.opens]
	o.opens++
	if err, ok := r.(error); ok {
		return nil, err
	}
	d := r.(*fakeDevice)
	d.st.format.Pixels = want.Pixels
	o.opened <- d
	return d, nil
}

func (o *opener) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.opens
}

// fakeClock: After fires at once and records the backoff asked for;
// Now moves only when the test says.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	delays []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.delays = append(c.delays, d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func (c *fakeClock) backoffs() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.delays...)
}

func nextFrame(t *testing.T, c *Camera) *camera.Frame {
	t.Helper()
	return cameratest.NextFrame(t, c, wait)
}

func nextErr(t *testing.T, c *Camera) error {
	t.Helper()
	select {
	case err := <-c.Errors():
		return err
	case <-time.After(wait):
		t.Fatal("no error reported")
	}
	return nil
}

func noErr(t *testing.T, c *Camera) {
	t.Helper()
	select {
	case err := <-c.Errors():
		t.Fatalf("unexpected fault: %v", err)
	default:
	}
}
