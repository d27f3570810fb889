package virtual

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/camsim"
)

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func flat(w, h int, v uint8) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = v
	}
	return g
}

func send(t *testing.T, method, url string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// meanFrame waits for a frame and returns its mean luma.
func meanFrame(t *testing.T, cam *camsim.Camera) float64 {
	t.Helper()
	select {
	case f := <-cam.Frames():
		defer f.Release()
		g := f.Gray()
		var sum int
		for _, v := range g.Pix {
			sum += int(v)
		}
		return float64(sum) / float64(len(g.Pix))
	case <-time.After(5 * time.Second):
		t.Fatal("no camera frame")
	}
	return 0
}

// TestCameraEndpoints: a webcam frame is fed to the camera, an uploaded
// picture stands in front of it (swaying on request), DELETE takes it
// away; bad or oversized pictures are refused before decoding.
func TestCameraEndpoints(t *testing.T) {
	ts, s := newTestServer(t)
	cam := camsim.New(camsim.Options{FPS: 50})
	t.Cleanup(func() { cam.Halt() })
	s.Camera = cam
	if err := cam.Start(context.Background(), camera.Format{Width: 64, Height: 48, Pixels: camera.Gray}); err != nil {
		t.Fatal(err)
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, flat(640, 480, 0), nil); err != nil {
		t.Fatal(err)
	}
	if code, body := send(t, "POST", ts.URL+"/sim/camera/frame", jb.Bytes()); code != 200 {
		t.Fatalf("frame: %d %s", code, body)
	}
	// Frames of the pattern may come before it; the fed one does come.
	for m := meanFrame(t, cam); m > 20; m = meanFrame(t, cam) {
	}

	code, body := send(t, "POST", ts.URL+"/sim/camera/image?sway=1", encodePNG(t, flat(320, 240, 255)))
	var got struct {
		OK     bool `json:"ok"`
		Frames int  `json:"frames"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Frames != len(swayShifts) {
		t.Fatalf("image: %d %s", code, body)
	}
	for m := meanFrame(t, cam); m < 230; m = meanFrame(t, cam) {
	}
	// A refused upload changes nothing: the picture stays.
	if code, _ := send(t, "POST", ts.URL+"/sim/camera/image", []byte("not a picture")); code != 400 {
		t.Fatalf("bad upload: %d, want 400", code)
	}
	for range 3 {
		if m := meanFrame(t, cam); m < 230 {
			t.Fatalf("after a refused upload: mean luma %.0f, want the picture still", m)
		}
	}
	if code, body := send(t, "DELETE", ts.URL+"/sim/camera/image", nil); code != 200 {
		t.Fatalf("delete: %d %s", code, body)
	}
	for m := meanFrame(t, cam); m > 230; m = meanFrame(t, cam) {
	}

	for _, tt := range []struct {
		name, path string
		body       []byte
		want       int
		errHas     string
	}{
		{"not a picture", "/sim/camera/frame", []byte("hello"), 400, "JPEG or PNG"},
		{"too wide", "/sim/camera/image", encodePNG(t, flat(5000, 1, 0)), 400, "each side"},
		{"too big", "/sim/camera/frame", make([]byte, maxPicture+1), 413, "larger than"},
		{"truncated", "/sim/camera/frame", jb.Bytes()[:200], 400, "picture"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, body := send(t, "POST", ts.URL+tt.path, tt.body)
			if code != tt.want || !strings.Contains(body, tt.errHas) {
				t.Fatalf("%d %s, want %d containing %q", code, body, tt.want, tt.errHas)
			}
		})
	}
	s.Camera = nil
	if code, _ := send(t, "POST", ts.URL+"/sim/camera/frame", jb.Bytes()); code != 404 {
		t.Fatalf("no camera: %d, want 404", code)
	}
	if code, _ := send(t, "POST", ts.URL+"/sim/camera/image", encodePNG(t, flat(8, 8, 0))); code != 404 {
		t.Fatalf("no camera, upload: %d, want 404", code)
	}
	// A board left without its scanner ("without") says so.
	s.Scanner = nil
	if c, _ := post(t, ts.URL+"/sim/scan", `{"code":"134567890123456789"}`); c != 404 {
		t.Errorf("scan without a scanner: %d, want 404", c)
	}
}

// TestSwayMoves: the swaying pictures differ from one another and keep
// the picture's size.
func TestSwayMoves(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 251)
	}
	frames := sway(src)
	seen := map[string]bool{}
	for _, f := range frames {
		m := f.(*image.RGBA)
		if m.Rect.Size() != src.Rect.Size() {
			t.Fatalf("size %v", m.Rect)
		}
		seen[string(m.Pix)] = true
	}
	if len(seen) < len(frames)-1 {
		t.Fatalf("%d distinct pictures of %d", len(seen), len(frames))
	}
}
