package main

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"time"

	"payterm/drivers/camera"
	"payterm/firmware/checkout"
	"payterm/internal/codecam"
	"payterm/internal/secret"
)

// codeFormat is what the camera streams for reading codes: 640×480 luma,
// enough for a phone's code at arm's length and decoded within a frame
// time.
var codeFormat = camera.Format{Width: 640, Height: 480, Pixels: camera.Gray}

// cameraUser is the one goroutine that drives the camera: the boot
// self-test, then whatever the checkout asks for (StartCamera,
// StopCamera): codes, or a face bound to the confirmed order. What runs
// stops (camera stopped) before the next starts. The engine loop only
// leaves requests (want), which never block; the newest one wins.
type cameraUser struct {
	cam  camera.Camera
	log  *slog.Logger
	post func(ctx context.Context, ev checkout.Event) bool
	// want is what the checkout wants now; Purpose NoMethod: stop.
	want chan checkout.StartCamera
	// face captures faces on cam; nil: the terminal takes no faces (the
	// checkout is told so, FaceKey, and never asks).
	face *faceCapture
	// selfTest is how long the boot self-test streams; 0 skips it.
	selfTest time.Duration
}

func newCameraUser(cam camera.Camera, log *slog.Logger, post func(context.Context, checkout.Event) bool) *cameraUser {
	return &cameraUser{cam: cam, log: log, post: post, want: make(chan checkout.StartCamera, 1), selfTest: 5 * time.Second}
}

// start and stop carry out StartCamera and StopCamera; called from the
// engine loop, they return at once.
func (c *cameraUser) start(ef checkout.StartCamera) { c.ask(ef) }
func (c *cameraUser) stop()                         { c.ask(checkout.StartCamera{}) }

func (c *cameraUser) ask(p checkout.StartCamera) {
	for {
		select {
		case c.want <- p:
			return
		default:
		}
		select {
		case <-c.want: // an older wish nobody took yet: replaced
		default:
		}
	}
}

// run serves the camera until ctx ends.
func (c *cameraUser) run(ctx context.Context) {
	defer c.cam.Stop()
	next := c.selfTestRun(ctx)
	for {
		switch next.Purpose {
		case checkout.Code:
			next = c.readCodes(ctx)
			continue
		case checkout.Face:
			if c.face != nil {
				next = c.captureFace(ctx, next)
				continue
			}
			c.log.Warn("camera: this terminal takes no faces (no face key)")
		}
		select {
		case <-ctx.Done():
			return
		case next = <-c.want:
		}
	}
}

// selfTestRun streams the camera for c.selfTest at boot and logs the
// frame rate, so a terminal maker sees at once whether the camera works.
// It never fails the boot, and gives way at once to a checkout that
// wants the camera: what it wants is returned (Purpose NoMethod for
// nothing).
func (c *cameraUser) selfTestRun(ctx context.Context) checkout.StartCamera {
	if c.selfTest <= 0 {
		return checkout.StartCamera{}
	}
	if err := c.cam.Start(ctx, camera.Format{Width: 640, Height: 480}); err != nil {
		c.log.Warn("camera self-test: no camera", "camera", c.cam, "err", err)
		return checkout.StartCamera{}
	}
	defer c.cam.Stop()
	var frames int
	var size image.Point
	start := time.Now()
	timer := time.NewTimer(c.selfTest)
	defer timer.Stop()
	report := func() {
		el := time.Since(start)
		c.log.Info("camera self-test", "camera", c.cam, "frames", frames, "seconds", fmt.Sprintf("%.1f", el.Seconds()),
			"fps", fmt.Sprintf("%.2f", float64(frames)/el.Seconds()), "size", size, "err", c.cam.Err())
	}
	for {
		select {
		case <-ctx.Done():
			return checkout.StartCamera{}
		case w := <-c.want:
			report()
			return w
		case <-timer.C:
			report()
			return checkout.StartCamera{}
		case f, ok := <-c.cam.Frames():
			if !ok {
				c.log.Warn("camera self-test: stream ended", "err", c.cam.Err())
				return checkout.StartCamera{}
			}
			frames++
			size = image.Pt(f.Width, f.Height)
			f.Release()
		}
	}
}

// readCodes streams the camera and decodes every frame it gets (the
// camera keeps only the newest, so decoding slower than the camera
// skips frames rather than falling behind), posting each payment code
// once, until the checkout wants something else, which it returns.
func (c *cameraUser) readCodes(ctx context.Context) checkout.StartCamera {
	if err := c.cam.Start(ctx, codeFormat); err != nil {
		c.log.Error("camera: cannot read codes", "camera", c.cam, "err", err)
		return c.waitWant(ctx)
	}
	defer c.cam.Stop()
	rd := codecam.NewReader(codecam.Options{})
	var buf image.Gray // each frame's luma, reused
	var posted string  // the code already handed on: a code held up stays in view for many frames
	// frames is what was decoded, delivered the camera's count (Seq):
	// the difference is frames the camera dropped while one was decoded.
	var frames int
	var delivered uint64
	start := time.Now()
	defer func() {
		el := max(time.Since(start).Seconds(), 1e-3)
		c.log.Info("camera: code reading stopped", "frames", frames, "delivered", delivered,
			"seconds", fmt.Sprintf("%.1f", el), "fps", fmt.Sprintf("%.2f", float64(frames)/el),
			"camera_fps", fmt.Sprintf("%.2f", float64(delivered)/el), "decoder_panics", rd.Panics)
	}()
	c.log.Info("camera: reading codes", "camera", c.cam, "format", codeFormat)
	for {
		select {
		case <-ctx.Done():
			return checkout.StartCamera{}
		case w := <-c.want:
			if w.Purpose == checkout.Code {
				continue // already reading
			}
			return w
		case f, ok := <-c.cam.Frames():
			if !ok {
				c.log.Error("camera: stream ended", "err", c.cam.Err())
				return c.waitWant(ctx)
			}
			frames++
			seq := f.Seq
			delivered = seq
			code, found := "", false
			if luma := camera.Luma(f, &buf); luma != nil {
				code, found = rd.Decode(luma)
			}
			f.Release()
			if !found || code == posted {
				continue
			}
			posted = code
			c.log.Info("camera: payment code read", "code", secret.Code(code), "frame", seq)
			if !c.post(ctx, checkout.CodeScanned{Code: code}) {
				return checkout.StartCamera{}
			}
		}
	}
}

// captureFace runs the face capture for the order ef names until the
// checkout wants something else, which it returns. A new face wish, even
// for the same order, starts the capture over.
func (c *cameraUser) captureFace(ctx context.Context, ef checkout.StartCamera) checkout.StartCamera {
	c.face.start(ctx, ef.Hash)
	defer c.face.stop() // the camera stops before whatever is next starts
	return c.waitWant(ctx)
}

// waitWant waits for the checkout's next wish.
func (c *cameraUser) waitWant(ctx context.Context) checkout.StartCamera {
	select {
	case <-ctx.Done():
		return checkout.StartCamera{}
	case w := <-c.want:
		return w
	}
}
