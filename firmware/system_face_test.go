package main

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// facesDir is ../shared/testdata/faces beside the repository (the nearest
// ancestor directory holding shared/testdata/faces).
func facesDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "testdata", "faces")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	msg := "no shared/testdata/faces above " + dir
	if testing.Short() {
		t.Skip(msg)
	}
	t.Fatal(msg)
	return ""
}

func loadFace(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join(facesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// writeY4M writes frames of photo, fitted into w×h and moving slightly
// from frame to frame (a person in front of a camera, so the capture's
// liveness check passes), as a YUV4MPEG2 file for chromium's fake capture
// device, which loops it.
func writeY4M(t *testing.T, photo image.Image, w, h, frames, fps int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "camera.y4m")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	pb := photo.Bounds()
	// Fit the photo's height to the frame, centred.
	sw := pb.Dx() * h / pb.Dy()
	for i := range frames {
		// A small loop of a few pixels, and a slight zoom breathing.
		dx := []int{0, 2, 4, 5, 4, 2, 0, -1}[i%8]
		dy := []int{0, 1, 2, 3, 4, 3, 2, 1}[i%8]
		zoom := 1000 + 8*((i/2)%4)
		frame := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(frame, frame.Rect, image.NewUniform(color.RGBA{90, 90, 90, 255}), image.Point{}, draw.Src)
		fw, fh := sw*zoom/1000, h*zoom/1000
		x0, y0 := (w-fw)/2+dx, (h-fh)/2+dy
		for y := max(0, y0); y < min(h, y0+fh); y++ {
			sy := pb.Min.Y + (y-y0)*pb.Dy()/fh
			for x := max(0, x0); x < min(w, x0+fw); x++ {
				sx := pb.Min.X + (x-x0)*pb.Dx()/fw
				frame.Set(x, y, photo.At(sx, sy))
			}
		}
		ycc := image.NewYCbCr(frame.Rect, image.YCbCrSubsampleRatio420)
		for y := range h {
			for x := range w {
				c := frame.RGBAAt(x, y)
				Y, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				ycc.Y[ycc.YOffset(x, y)] = Y
				if x%2 == 0 && y%2 == 0 {
					ci := ycc.COffset(x, y)
					ycc.Cb[ci], ycc.Cr[ci] = cb, cr
				}
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(ycc.Y)
		bw.Write(ycc.Cb)
		bw.Write(ycc.Cr)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeWebcam are chromium's flags for a webcam that shows file and needs
// no permission prompt.
func fakeWebcam(file string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", file),
	}
}

// webcamOn presses the page's "Use webcam" and waits until frames flow to
// the terminal's camera.
func (b *browser) webcamOn() {
	b.t.Helper()
	b.do("turn the webcam on", 20*time.Second,
		chromedp.Click(chromedp.ID("webcam-on"), chromedp.NodeVisible),
		chromedp.Poll[chromedp.Void](`window.camFramesSent >= 3`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// TestBrowserWebcamFeedsCamera: chromium's fake webcam, fed from a file,
// reaches the terminal through the page: frames keep being posted to the
// simulated camera.
func TestBrowserWebcamFeedsCamera(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test (-short)")
	}
	y4m := writeY4M(t, loadFace(t, "obama2.jpg"), 640, 480, 8, 10)
	s := startSystem(t, nil)
	b := openBrowser(t, s, fakeWebcam(y4m)...)
	b.webcamOn()
	start := eval[int](b, `window.camFramesSent`)
	b.do("more webcam frames", 20*time.Second,
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.camFramesSent >= %d`, start+10),
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}
