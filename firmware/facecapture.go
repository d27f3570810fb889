package main

import (
	"context"
	"image"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"payterm/drivers/camera"
	"payterm/firmware/checkout"
	"payterm/firmware/order"
)

// faceResult is the face pipeline's verdict on one frame.
type faceResult struct {
	Hint     checkout.FaceHint
	Box      image.Rectangle // frame pixels; empty for none
	Progress float64         // 0..1
	Done     bool            // a usable face was captured: Crop has it
}

// facePipeline is the live capture pipeline (internal/face) as the wiring
// drives it: one goroutine feeds it frames and reads the crop.
type facePipeline interface {
	// Feed judges one camera frame (it keeps a copy of what it needs:
	// the frame is released after).
	Feed(f *camera.Frame, now time.Time) faceResult
	// Crop is the best frame's aligned JPEG crop once Feed said Done;
	// the caller wipes it.
	Crop() []byte
	// Reset forgets every frame, between customers.
	Reset()
}

// faceSealer seals a face crop to the payment system's face key, bound to
// this terminal and the order hash (payhost.SealFace). It never keeps
// the crop.
type faceSealer func(ctx context.Context, crop []byte, hash order.Hash) (token string, err error)

// cameraFrame is what the face capture asks the camera for: 640×480 as
// the device sends it (YUYV), so the pipeline takes the luma cheaply and
// crops the best frame in colour.
var cameraFrame = camera.Format{Width: 640, Height: 480, Pixels: camera.Raw}

// guidanceEvery bounds how often guidance is posted to the checkout (and
// so redrawn): about ten times a second.
const guidanceEvery = 100 * time.Millisecond

// faceCapture runs the camera for one face at a time: frames go to the
// pipeline and the face screen's preview at camera rate, guidance goes to
// the checkout when it changes, and the captured crop is sealed, wiped
// and handed over as a FaceCaptured token. No frame, crop or token is
// ever written to disk or to the log. start and stop are called by the
// camera's one owner (cameraUser), never at the same time.
type faceCapture struct {
	log  *slog.Logger
	cam  camera.Camera
	pipe facePipeline
	seal faceSealer
	// luma converts a frame to luma into dst (reused), for the preview.
	luma func(f *camera.Frame, dst *image.Gray) *image.Gray
	// wipe zeroes a crop after sealing.
	wipe func(b []byte)
	// post hands an event to the checkout; false when ctx ended.
	post func(ctx context.Context, ev checkout.Event) bool
	// preview draws a frame on the face screen; it must copy what it keeps.
	preview func(img image.Image)
	now     func() time.Time

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
	buf    *image.Gray // luma of the frame in hand; wiped at stop
}

// start begins capturing a face for the order with hash h, ending any
// capture still running.
func (c *faceCapture) start(ctx context.Context, h order.Hash) {
	c.stop()
	run, cancel := context.WithCancel(ctx)
	if err := c.cam.Start(run, cameraFrame); err != nil {
		cancel()
		c.log.Error("face capture: camera did not start", "camera", c.cam, "err", err)
		return
	}
	done := make(chan struct{})
	c.mu.Lock()
	c.cancel, c.done = cancel, done
	c.mu.Unlock()
	go func() {
		defer close(done)
		c.run(run, h)
	}()
	c.log.Info("face capture started", "camera", c.cam)
}

// stop ends the capture: the camera stops, the pipeline forgets, the
// frame buffer is wiped. Stopping when nothing runs does nothing.
func (c *faceCapture) stop() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.cancel, c.done = nil, nil
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel() // first: a post blocked on a full engine inbox gives up
	<-done
	if err := c.cam.Stop(); err != nil {
		c.log.Warn("face capture: camera stop", "camera", c.cam, "err", err)
	}
	c.pipe.Reset()
	if c.buf != nil {
		clear(c.buf.Pix)
	}
	c.log.Info("face capture stopped")
}

// run feeds frames until ctx ends. After a face was sealed and posted it
// only drains frames until the checkout stops the camera.
func (c *faceCapture) run(ctx context.Context, h order.Hash) {
	frames := c.cam.Frames()
	var shown faceResult // what the checkout was last told
	var last time.Time   // when
	pending, sealed := false, false
	for {
		var f *camera.Frame
		select {
		case <-ctx.Done():
			return
		case got, ok := <-frames:
			if !ok {
				return
			}
			f = got
		}
		if sealed {
			f.Release()
			continue
		}
		at := f.Time
		if at.IsZero() {
			at = c.now()
		}
		res := c.pipe.Feed(f, at)
		if l := c.luma(f, c.buf); l != nil {
			c.buf = l
			c.preview(l)
		}
		size := image.Pt(f.Width, f.Height)
		f.Release()

		if res.Hint != shown.Hint || res.Box != shown.Box || percent(res.Progress) != percent(shown.Progress) {
			shown, pending = res, true
		}
		if now := c.now(); pending && now.Sub(last) >= guidanceEvery {
			g := checkout.FaceGuidance{Hint: res.Hint, Box: res.Box, Frame: size, Progress: res.Progress}
			if !c.post(ctx, g) {
				return
			}
			last, pending = now, false
		}
		if !res.Done {
			continue
		}
		token, err := c.sealCrop(ctx, h)
		if err != nil {
			// The face stays here; capture again (the checkout's timeout
			// bounds how long).
			c.log.Error("face capture: not sealed, capturing again", "err", err)
			c.pipe.Reset()
			continue
		}
		c.log.Info("face captured and sealed")
		if !c.post(ctx, checkout.FaceCaptured{Token: token}) {
			return
		}
		sealed = true
	}
}

// sealCrop seals the pipeline's crop and wipes it, whatever happens.
func (c *faceCapture) sealCrop(ctx context.Context, h order.Hash) (string, error) {
	crop := c.pipe.Crop()
	defer c.wipe(crop)
	return c.seal(ctx, crop, h)
}

func percent(p float64) int { return int(100*p + 0.5) }

// faceParts are what a face capture needs besides the camera: the
// pipeline and the key to seal to.
type faceParts struct {
	pipe  facePipeline
	keys  *faceKeys
	poiID string
}

// newFaceParts readies face capture, or returns nil, saying why in the
// log, when the terminal cannot take faces: no camera, no face key (a
// real board without face_key), or no pipeline.
func newFaceParts(cfg config, cam camera.Camera, log *slog.Logger) *faceParts {
	if cam == nil {
		return nil
	}
	key, fromHost, err := cfg.faceKey()
	if err != nil || key == nil && !fromHost {
		log.Warn("face payment off: no face_key configured (the payment system's face public key)", "err", err)
		return nil
	}
	pipe, err := newFacePipeline()
	if err != nil {
		log.Warn("face payment off", "err", err)
		return nil
	}
	keys := &faceKeys{key: key, hc: &http.Client{Timeout: 10 * time.Second}}
	if fromHost {
		keys.host = cfg.PayHost
		log.Warn("face key: the payment host's, asked for at the first face (dev)", "host", cfg.PayHost)
	}
	return &faceParts{pipe: pipe, keys: keys, poiID: cfg.POIID}
}

// capture is the face capture on cam for engine e and screen scr; the
// camera's owner (cameraUser) runs it.
func (fp *faceParts) capture(cam camera.Camera, e *engine, scr *uiScreen, log *slog.Logger) *faceCapture {
	return &faceCapture{
		log: log, cam: cam, pipe: fp.pipe, seal: fp.keys.sealer(fp.poiID),
		luma: frameLuma, wipe: wipeCrop, post: e.post, preview: scr.preview, now: time.Now,
	}
}
