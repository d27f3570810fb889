package virtual

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/cameratest"
	"payterm/drivers/camera/camsim"
	"payterm/drivers/display/displaysim"
)

// TestCameraUpload: an uploaded PNG or JPEG is what the simulated camera
// streams; an empty upload brings the test pattern back; anything else
// is refused and changes nothing.
func TestCameraUpload(t *testing.T) {
	cam := camsim.New(camsim.Options{FPS: 100})
	defer cam.Halt()
	s := &Server{Panel: displaysim.New(40, 30), Camera: cam, Log: slog.New(slog.DiscardHandler)}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if err := cam.Start(context.Background(), camera.Format{Width: 32, Height: 24, Pixels: camera.Gray}); err != nil {
		t.Fatal(err)
	}
	white := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	var pngBody, jpegBody bytes.Buffer
	png.Encode(&pngBody, white)
	black := image.NewUniform(color.Black)
	jpeg.Encode(&jpegBody, &imageOf{black, image.Rect(0, 0, 64, 48)}, nil)
	// lumaNow waits for a frame showing want (the stream may still hold
	// one or two made before the upload).
	waitLuma := func(want uint8) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			f := cameratest.NextFrame(t, cam, 5*time.Second)
			got := f.Gray().GrayAt(16, 12).Y
			f.Release()
			if got == want {
				return
			}
		}
		t.Fatalf("camera never showed luma %d", want)
	}
	up := func(body []byte) int {
		t.Helper()
		resp, err := http.Post(ts.URL+"/sim/camera", "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := up(pngBody.Bytes()); c != 200 {
		t.Fatalf("PNG upload: %d", c)
	}
	waitLuma(235) // white in limited range
	if c := up(jpegBody.Bytes()); c != 200 {
		t.Fatalf("JPEG upload: %d", c)
	}
	waitLuma(16)
	for _, bad := range [][]byte{[]byte("not a picture"), pngBody.Bytes()[:40]} {
		if c := up(bad); c != 400 {
			t.Errorf("bad upload of %d bytes: %d, want 400", len(bad), c)
		}
	}
	waitLuma(16) // still the JPEG
	if c := up(nil); c != 200 {
		t.Fatalf("empty upload: %d", c)
	}
	f := cameratest.NextFrame(t, cam, 5*time.Second)
	f.Release()
	f = cameratest.NextFrame(t, cam, 5*time.Second)
	if y := f.Gray().GrayAt(16, 12).Y; y == 16 {
		t.Error("still the picture after an empty upload")
	}
	f.Release()

	huge := image.NewGray(image.Rect(0, 0, maxPhotoSide+1, 1))
	var hb bytes.Buffer
	png.Encode(&hb, huge)
	if c := up(hb.Bytes()); c != 400 {
		t.Errorf("picture wider than %d: %d, want 400", maxPhotoSide, c)
	}

	noCam := httptest.NewServer((&Server{Panel: displaysim.New(40, 30)}).Handler())
	defer noCam.Close()
	resp, err := http.Post(noCam.URL+"/sim/camera", "image/png", bytes.NewReader(pngBody.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("no camera: %d, want 404", resp.StatusCode)
	}
	if c, _ := post(t, noCam.URL+"/sim/scan", `{"code":"134567890123456789"}`); c != 404 {
		t.Errorf("scan without a scanner: %d, want 404", c)
	}
}

// imageOf bounds an unbounded image.
type imageOf struct {
	image.Image
	r image.Rectangle
}

func (i *imageOf) Bounds() image.Rectangle { return i.r }
