package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/camsim"
	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// scriptedPipeline answers each Feed with the next result of its script,
// repeating the last; Crop hands out a fake JPEG it can check was wiped.
type scriptedPipeline struct {
	mu     sync.Mutex
	script []faceResult
	fed    int
	resets int
	crops  [][]byte
}

func (p *scriptedPipeline) Feed(f *camera.Frame, now time.Time) faceResult {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f == nil || f.Width != 640 || f.Pixels != camera.Raw {
		panic("pipeline fed no 640-wide raw frame")
	}
	r := p.script[min(p.fed, len(p.script)-1)]
	p.fed++
	return r
}

func (p *scriptedPipeline) Crop() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("face"), 100)...)
	p.crops = append(p.crops, c)
	return c
}

func (p *scriptedPipeline) Reset() {
	p.mu.Lock()
	p.resets++
	p.fed = 0
	p.mu.Unlock()
}

// faceRig is a face capture on a simulated camera with a scripted
// pipeline, a recording sealer and a recording checkout.
type faceRig struct {
	c      *faceCapture
	pipe   *scriptedPipeline
	events chan checkout.Event
	mu     sync.Mutex
	sealed []sealCall
	seals  []error // errors the sealer returns in turn; nil: a token
	shown  int     // frames previewed
	now    time.Time
}

type sealCall struct {
	crop []byte // the crop given (the same slice, to check it is wiped)
	copy []byte // its content then
	hash order.Hash
}

func newFaceRig(t *testing.T, script ...faceResult) *faceRig {
	t.Helper()
	face := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range face.Pix {
		face.Pix[i] = uint8(i)
	}
	cam := camsim.New(camsim.Options{Images: []image.Image{face}, FPS: 200})
	t.Cleanup(func() { cam.Halt() })
	r := &faceRig{pipe: &scriptedPipeline{script: script}, events: make(chan checkout.Event, 256), now: time.Unix(1e9, 0)}
	r.c = &faceCapture{
		log:  slog.New(slog.DiscardHandler),
		cam:  cam,
		pipe: r.pipe,
		seal: func(ctx context.Context, crop []byte, h order.Hash) (string, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.sealed = append(r.sealed, sealCall{crop: crop, copy: bytes.Clone(crop), hash: h})
			if n := len(r.sealed); n <= len(r.seals) && r.seals[n-1] != nil {
				return "", r.seals[n-1]
			}
			return "sealed-token", nil
		},
		luma: frameLuma,
		wipe: wipeCrop,
		post: func(ctx context.Context, ev checkout.Event) bool {
			select {
			case r.events <- ev:
				return true
			case <-ctx.Done():
				return false
			}
		},
		preview: func(img image.Image) {
			r.mu.Lock()
			r.shown++
			r.mu.Unlock()
		},
		// Each reading of the clock is 150 ms later: no guidance is held
		// back by the throttle unless a test stops the clock.
		now: func() time.Time {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.now = r.now.Add(150 * time.Millisecond)
			return r.now
		},
	}
	return r
}

// next waits for the next event the capture posts.
func (r *faceRig) next(t *testing.T) checkout.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("face capture posted nothing in 10 s")
	}
	return nil
}

var testHash = order.Hash{1, 2, 3}

// TestFaceCaptureGuidesSealsAndWipes: guidance reaches the checkout when
// it changes, the done crop is sealed bound to the order, wiped, and
// posted as the token; frames are previewed; stop resets the pipeline.
func TestFaceCaptureGuidesSealsAndWipes(t *testing.T) {
	closer := faceResult{Hint: checkout.FaceMoveCloser, Box: image.Rect(300, 200, 340, 250)}
	ready := faceResult{Hint: checkout.FaceReady, Box: image.Rect(200, 100, 440, 400), Progress: 0.5}
	done := faceResult{Hint: checkout.FaceReady, Box: image.Rect(200, 100, 440, 400), Progress: 1, Done: true}
	r := newFaceRig(t, closer, closer, closer, ready, ready, done)
	r.c.start(context.Background(), testHash)
	defer r.c.stop()

	var got []checkout.FaceGuidance
	var token string
	for token == "" {
		switch ev := r.next(t).(type) {
		case checkout.FaceGuidance:
			got = append(got, ev)
		case checkout.FaceCaptured:
			token = ev.Token
		}
	}
	want := []checkout.FaceGuidance{
		{Hint: checkout.FaceMoveCloser, Box: closer.Box, Frame: image.Pt(640, 480)},
		{Hint: checkout.FaceReady, Box: ready.Box, Frame: image.Pt(640, 480), Progress: 0.5},
		{Hint: checkout.FaceReady, Box: done.Box, Frame: image.Pt(640, 480), Progress: 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("guidance %v\nwant     %v", got, want)
	}
	if token != "sealed-token" {
		t.Errorf("token %q", token)
	}
	r.mu.Lock()
	sealed, shown := slices.Clone(r.sealed), r.shown
	r.mu.Unlock()
	if len(sealed) != 1 || sealed[0].hash != testHash || !bytes.HasPrefix(sealed[0].copy, []byte{0xff, 0xd8}) {
		t.Fatalf("sealed %d crops, bound to %v", len(sealed), sealed)
	}
	if slices.ContainsFunc(sealed[0].crop, func(b byte) bool { return b != 0 }) {
		t.Error("crop not wiped after sealing")
	}
	if shown < 6 {
		t.Errorf("%d frames previewed, want every frame fed (6+)", shown)
	}
	r.c.stop()
	if r.pipe.resets != 1 {
		t.Errorf("pipeline reset %d times at stop, want 1", r.pipe.resets)
	}
	if r.c.buf != nil && slices.ContainsFunc(r.c.buf.Pix, func(b byte) bool { return b != 0 }) {
		t.Error("frame buffer not wiped at stop")
	}
	// Nothing more after a face was posted: one credential per capture.
	select {
	case ev := <-r.events:
		t.Errorf("posted %T after the face", ev)
	default:
	}
}

// TestFaceCaptureThrottlesGuidance: with the clock standing still only
// the first guidance is posted, however the hint changes; once time
// moves on, the latest is.
func TestFaceCaptureThrottlesGuidance(t *testing.T) {
	var script []faceResult
	for i := range 20 {
		script = append(script, faceResult{Hint: checkout.FaceHint(1 + i%5), Box: image.Rect(i, i, 100+i, 100+i)})
	}
	last := faceResult{Hint: checkout.FaceTooDark}
	script = append(script, last)
	r := newFaceRig(t, script...)
	var clock sync.Mutex
	stopped := true
	at := time.Unix(1e9, 0)
	r.c.now = func() time.Time {
		clock.Lock()
		defer clock.Unlock()
		if !stopped {
			at = at.Add(time.Second)
		}
		return at
	}
	r.c.start(context.Background(), testHash)
	defer r.c.stop()
	first := r.next(t).(checkout.FaceGuidance)
	if first.Hint != script[0].Hint {
		t.Fatalf("first guidance %v", first)
	}
	for r.pipe.fedCount() < len(script)+3 {
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case ev := <-r.events:
		t.Fatalf("posted %v within the throttle interval", ev)
	default:
	}
	clock.Lock()
	stopped = false
	clock.Unlock()
	if g := r.next(t).(checkout.FaceGuidance); g.Hint != last.Hint {
		t.Fatalf("after the interval: %v, want the latest (%v)", g.Hint, last.Hint)
	}
}

func (p *scriptedPipeline) fedCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fed
}

// TestFaceCaptureSealFailureCapturesAgain: a crop that cannot be sealed
// is wiped, the pipeline starts over and the next face is sealed.
func TestFaceCaptureSealFailureCapturesAgain(t *testing.T) {
	r := newFaceRig(t, faceResult{Hint: checkout.FaceReady}, faceResult{Hint: checkout.FaceReady, Progress: 1, Done: true})
	r.seals = []error{errors.New("face key: host unreachable")}
	r.c.start(context.Background(), testHash)
	defer r.c.stop()
	for {
		if f, ok := r.next(t).(checkout.FaceCaptured); ok {
			if f.Token != "sealed-token" {
				t.Fatalf("token %q", f.Token)
			}
			break
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sealed) != 2 || r.pipe.resets < 1 {
		t.Fatalf("sealed %d times, pipeline reset %d times", len(r.sealed), r.pipe.resets)
	}
	for i, s := range r.sealed {
		if slices.ContainsFunc(s.crop, func(b byte) bool { return b != 0 }) {
			t.Errorf("crop %d not wiped", i)
		}
	}
}

// TestFaceCaptureStopWhileCheckoutBusy: stop returns even when the
// checkout does not take the capture's events (its inbox is full).
func TestFaceCaptureStopWhileCheckoutBusy(t *testing.T) {
	r := newFaceRig(t, faceResult{Hint: checkout.FaceMoveBack})
	r.events = make(chan checkout.Event) // nobody receives
	r.c.start(context.Background(), testHash)
	for r.pipe.fedCount() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	stopped := make(chan struct{})
	go func() { r.c.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("stop hung on a blocked post")
	}
}

// TestFrameLuma: a gray frame is viewed as is; YUYV and RGBA frames
// converted.
func TestFrameLuma(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range 64 * 48 {
		img.Set(i%64, i/64, color.RGBA{200, 100, 50, 255})
	}
	for _, px := range []camera.PixelFormat{camera.Gray, camera.Raw, camera.RGBA} {
		f := camsim.New(camsim.Options{Images: []image.Image{img}, FPS: 100})
		format := cameraFrame
		format.Pixels = px
		if err := f.Start(context.Background(), format); err != nil {
			t.Fatal(err)
		}
		fr := <-f.Frames()
		g := frameLuma(fr, nil)
		if g.Rect.Dx() != 640 || g.Rect.Dy() != 480 {
			t.Fatalf("%v: luma %v", px, g.Rect)
		}
		if v := g.GrayAt(320, 240).Y; v < 100 || v > 150 {
			t.Errorf("%v: luma %d, want about 124", px, v)
		}
		fr.Release()
		f.Halt()
	}
}
