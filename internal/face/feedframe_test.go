package face

import (
	"image"
	"testing"
	"time"

	"payterm/drivers/camera"
)

// Any frame a driver might hand over, however malformed, gives a luma
// of the frame's size or nil (camera.Luma), and the pipeline takes it
// without panicking.
func FuzzFeedFrame(f *testing.F) {
	f.Add(uint8(camera.Gray), 4, 2, 4, make([]byte, 8))
	f.Add(uint8(camera.RGBA), 2, 2, 8, make([]byte, 16))
	f.Add(uint8(camera.Raw), 4, 2, 8, make([]byte, 16))
	f.Add(uint8(camera.Raw), 8, 8, 0, []byte{0xff, 0xd8, 0xff, 0xdb})
	p, err := NewPipeline(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, px uint8, w, h, stride int, pix []byte) {
		fr := &camera.Frame{Pixels: camera.PixelFormat(px), Width: w, Height: h, Stride: stride, Pix: pix}
		if g := camera.Luma(fr, nil); g != nil && g.Rect != image.Rect(0, 0, w, h) {
			t.Fatalf("bounds %v for %dx%d", g.Rect, w, h)
		}
		p.FeedFrame(fr, time.Unix(0, 0))
	})
}

// A pipeline fed camera frames allocates nothing per frame once warm:
// with no face, and with a face through landmarks and gates.
func TestFeedAllocs(t *testing.T) {
	img := loadPhoto(t, "obama.jpg")
	withFace := yuyvFrame(compose(img, framings["obama.jpg"], 0, 0, 1))
	empty := yuyvFrame(image.NewRGBA(image.Rect(0, 0, 640, 480)))
	for _, tc := range []struct {
		name string
		f    *camera.Frame
	}{{"face", withFace}, {"no face", empty}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPipeline(Config{})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(0, 0)
			p.FeedFrame(tc.f, now)
			allocs := testing.AllocsPerRun(20, func() {
				now = now.Add(framePeriod)
				p.FeedFrame(tc.f, now)
				p.Reset() // stay in the window: Done would short-cut the work
			})
			if allocs != 0 {
				t.Fatalf("%v allocations per frame", allocs)
			}
		})
	}
}
