package camsim

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"payterm/drivers/camera"
)

func uniform(v uint8) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	return img
}

// TestShowChangesPictures: Show while streaming changes the picture from
// the next frame; Show with none brings back the pattern.
func TestShowChangesPictures(t *testing.T) {
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
	pattern := frame()
	cam.Show(uniform(255))
	if m := frame(); m < 230 {
		t.Fatalf("after Show(white): mean luma %.0f", m)
	}
	cam.Show(uniform(0))
	if m := frame(); m > 20 {
		t.Fatalf("after Show(black): mean luma %.0f", m)
	}
	cam.Show()
	if m := frame(); m < pattern-30 || m > pattern+30 {
		t.Fatalf("after Show(): mean luma %.0f, the pattern's is %.0f", m, pattern)
	}
}

// TestFeedDeliversEachFrameOnce: a fed frame comes at once, without a
// tick; while frames are fed the camera's own ticks send nothing; a
// second after the last fed frame the pictures come back.
func TestFeedDeliversEachFrameOnce(t *testing.T) {
	clk := newManualClock()
	cam := New(Options{Clock: clk, Images: []image.Image{uniform(255)}})
	defer cam.Halt()
	if err := cam.Start(context.Background(), camera.Format{Width: 64, Height: 32, Pixels: camera.Gray}); err != nil {
		t.Fatal(err)
	}
	// A browser sends JPEGs: decoded, they are YCbCr.
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, uniform(60), nil); err != nil {
		t.Fatal(err)
	}
	fed, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fed.(*image.YCbCr); !ok {
		t.Fatalf("decoded %T, want the YCbCr fast path", fed)
	}
	cam.Feed(fed)
	f := next(t, cam)
	if m := mean(f.Gray()); m < 60 || m > 80 {
		t.Fatalf("fed frame mean luma %.0f, want about 16+60·219/255 ≈ 67", m)
	}
	f.Release()
	clk.tick(t)
	select {
	case f := <-cam.Frames():
		t.Fatalf("a tick while fed sent frame %d", f.Seq)
	case <-time.After(50 * time.Millisecond):
	}
	clk.mu.Lock()
	clk.now = clk.now.Add(fedFor)
	clk.mu.Unlock()
	clk.tick(t)
	f = next(t, cam)
	if m := mean(f.Gray()); m < 230 {
		t.Fatalf("after the feed stopped: mean luma %.0f, want the white picture", m)
	}
	f.Release()
}
