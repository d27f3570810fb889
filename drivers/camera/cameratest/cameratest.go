// Package cameratest holds helpers for tests of camera drivers.
package cameratest

import (
	"testing"
	"time"

	"payterm/drivers/camera"
)

// NextFrame waits up to wait for cam's next frame and fails the test if
// none comes or Frames is closed. The caller releases the frame.
func NextFrame(tb testing.TB, cam camera.Camera, wait time.Duration) *camera.Frame {
	tb.Helper()
	select {
	case f, ok := <-cam.Frames():
		if !ok {
			tb.Fatal("frames closed")
		}
		return f
	case <-time.After(wait):
		tb.Fatal("no frame")
	}
	return nil
}
