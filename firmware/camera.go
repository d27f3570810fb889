package main

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"time"

	"payterm/drivers/camera"
)

// cameraSelfTest streams the camera for d at boot and logs the frame
// rate, so a terminal maker sees at once whether the camera works. It
// never fails the boot.
func cameraSelfTest(ctx context.Context, cam camera.Camera, d time.Duration, log *slog.Logger) {
	if err := cam.Start(ctx, camera.Format{Width: 640, Height: 480}); err != nil {
		log.Warn("camera self-test: no camera", "camera", cam, "err", err)
		return
	}
	defer cam.Stop()
	var frames int
	var size image.Point
	start := time.Now()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
			el := time.Since(start)
			log.Info("camera self-test", "camera", cam, "frames", frames, "seconds", fmt.Sprintf("%.1f", el.Seconds()),
				"fps", fmt.Sprintf("%.2f", float64(frames)/el.Seconds()), "size", size, "err", cam.Err())
			return
		case f, ok := <-cam.Frames():
			if !ok {
				log.Warn("camera self-test: stream ended", "err", cam.Err())
				return
			}
			frames++
			size = image.Pt(f.Width, f.Height)
			f.Release()
		}
	}
}
