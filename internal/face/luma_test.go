package face

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"payterm/drivers/camera"
)

func TestLumaFormats(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for i := range rgba.Pix {
		rgba.Pix[i] = byte(i * 5)
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, rgba, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	yuyv := yuyvFrame(rgba)
	gray := &camera.Frame{Pixels: camera.Gray, Width: 8, Height: 4, Stride: 10, Pix: make([]byte, 40)}
	for i := range gray.Pix {
		gray.Pix[i] = byte(i)
	}
	tests := []struct {
		name string
		f    *camera.Frame
		ok   bool
		at   func(x, y int) byte // expected luma, or nil to skip
	}{
		{"gray with stride", gray, true, func(x, y int) byte { return byte(y*10 + x) }},
		{"rgba", &camera.Frame{Pixels: camera.RGBA, Width: 8, Height: 4, Stride: 32, Pix: rgba.Pix}, true, nil},
		{"yuyv", yuyv, true, func(x, y int) byte { return yuyv.Pix[y*16+2*x] }},
		{"mjpeg", &camera.Frame{Pixels: camera.Raw, Width: 8, Height: 4, Pix: jb.Bytes()}, true, nil},
		{"mjpeg wrong size", &camera.Frame{Pixels: camera.Raw, Width: 16, Height: 4, Pix: jb.Bytes()}, false, nil},
		{"short yuyv", &camera.Frame{Pixels: camera.Raw, Width: 8, Height: 4, Stride: 16, Pix: yuyv.Pix[:60]}, false, nil},
		{"short stride", &camera.Frame{Pixels: camera.Gray, Width: 8, Height: 4, Stride: 4, Pix: make([]byte, 64)}, false, nil},
		{"nil", nil, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := Luma(tc.f, nil)
			if (g != nil) != tc.ok {
				t.Fatalf("got %v, want ok=%v", g != nil, tc.ok)
			}
			if g == nil {
				return
			}
			if g.Rect != image.Rect(0, 0, tc.f.Width, tc.f.Height) {
				t.Fatalf("bounds %v", g.Rect)
			}
			if tc.at != nil {
				for y := range tc.f.Height {
					for x := range tc.f.Width {
						if g.GrayAt(x, y).Y != tc.at(x, y) {
							t.Fatalf("(%d,%d) = %d, want %d", x, y, g.GrayAt(x, y).Y, tc.at(x, y))
						}
					}
				}
			}
			if again := Luma(tc.f, g); again != g {
				t.Fatal("a right-sized dst was not reused")
			}
		})
	}
}

// Any frame a driver might hand over, however malformed, gives a luma
// of the frame's size or nil, and never panics; the pipeline takes it.
func FuzzLuma(f *testing.F) {
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
		if g := Luma(fr, nil); g != nil && g.Rect != image.Rect(0, 0, w, h) {
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
