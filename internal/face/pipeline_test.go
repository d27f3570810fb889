package face

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"testing"
	"time"

	"golang.org/x/image/draw"

	"payterm/drivers/camera"
)

const framePeriod = time.Second / 15

// yuyvFrame encodes a picture as a camera frame in studio-range YUYV, as
// a V4L2 camera sends it.
func yuyvFrame(img *image.RGBA) *camera.Frame {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	f := &camera.Frame{Pixels: camera.Raw, Width: w, Height: h, Stride: 2 * w, Pix: make([]byte, 2*w*h)}
	for y := range h {
		for x := 0; x < w; x += 2 {
			p0, p1 := img.Pix[img.PixOffset(x, y):], img.Pix[img.PixOffset(x+1, y):]
			y0, u, v := ycc(p0[0], p0[1], p0[2])
			y1, u1, v1 := ycc(p1[0], p1[1], p1[2])
			o := y*2*w + 2*x
			f.Pix[o], f.Pix[o+1], f.Pix[o+2], f.Pix[o+3] = y0, byte((int(u)+int(u1))/2), y1, byte((int(v)+int(v1))/2)
		}
	}
	return f
}

// ycc is BT.601 studio range.
func ycc(r, g, b uint8) (y, u, v uint8) {
	R, G, B := float64(r), float64(g), float64(b)
	Y := 16 + (65.481*R+128.553*G+24.966*B)/255
	U := 128 + (-37.797*R-74.203*G+112*B)/255
	V := 128 + (112*R-93.786*G-18.214*B)/255
	c := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(v)))) }
	return c(Y), c(U), c(V)
}

// motion is how the simulated customer moves from frame to frame.
type motion func(i int) (dx, dy, gain float64)

// sway: 1–2 px of drift and ±3 % light, as a person standing still.
func sway(i int) (float64, float64, float64) {
	return 2 * math.Sin(float64(i)*0.9), 1.5 * math.Cos(float64(i)*0.7), 1 + 0.03*math.Sin(float64(i)*1.3)
}

// still: the very same frame every time (a photo on a stand, a frozen
// feed).
func frozen(int) (float64, float64, float64) { return 0, 0, 1 }

func blur(img *image.RGBA, k float64) *image.RGBA {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	small := image.NewRGBA(image.Rect(0, 0, int(float64(w)/k), int(float64(h)/k)))
	draw.ApproxBiLinear.Scale(small, small.Rect, img, img.Rect, draw.Src, nil)
	out := image.NewRGBA(img.Rect)
	draw.BiLinear.Scale(out, out.Rect, small, small.Rect, draw.Src, nil)
	return out
}

// run feeds n frames of the photo under the framing and motion and
// returns the guidance seen most in the last frames and the result.
type runResult struct {
	last   Result
	counts map[Guidance]int
	frames int // frames fed until Done (or n)
	crop   []byte
}

func runCapture(t *testing.T, p *Pipeline, img image.Image, fr framing, mv motion, gain float64, blurBy float64, n int) runResult {
	t.Helper()
	rr := runResult{counts: map[Guidance]int{}}
	now := time.Unix(1700000000, 0)
	sc := newScene(img, fr)
	for i := range n {
		dx, dy, gn := mv(i)
		pic := sc.frame(int(math.Round(dx)), int(math.Round(dy)), gain*gn)
		if blurBy > 0 {
			pic = blur(pic, blurBy)
		}
		r := p.FeedFrame(yuyvFrame(pic), now)
		rr.last, rr.frames = r, i+1
		rr.counts[r.Guidance]++
		if r.Done {
			rr.crop = p.Crop()
			break
		}
		now = now.Add(framePeriod)
	}
	return rr
}

func TestCaptureSequences(t *testing.T) {
	tests := []struct {
		photo string
		mv    motion
		gain  float64
		blur  float64
		done  bool
		want  Guidance // the guidance that must dominate when not done
	}{
		{photo: "obama.jpg", mv: sway, gain: 1, done: true},
		{photo: "obama2.jpg", mv: sway, gain: 1, done: true},
		{photo: "obama-480p.jpg", mv: sway, gain: 1, done: true},
		{photo: "biden.jpg", mv: sway, gain: 1, done: true},
		{photo: "two_people.jpg", mv: sway, gain: 1, want: OnlyOne},
		{photo: "obama_partial_face.jpg", mv: sway, gain: 1, want: Centre},
		{photo: "obama.jpg", mv: sway, gain: 0.2, want: TooDark},
		{photo: "obama.jpg", mv: sway, gain: 1, blur: 4, want: HoldStill},
		{photo: "obama.jpg", mv: frozen, gain: 1, want: NotLive},
	}
	p, err := NewPipeline(Config{})
	if err != nil {
		t.Fatal(err)
	}
	cl, cr := chipEyes()
	for _, tc := range tests {
		name := tc.photo
		if !tc.done {
			name += "/" + tc.want.String()
		}
		t.Run(name, func(t *testing.T) {
			p.Reset()
			img := loadPhoto(t, tc.photo)
			rr := runCapture(t, p, img, framings[tc.photo], tc.mv, tc.gain, tc.blur, 45)
			if !tc.done {
				if rr.last.Done {
					t.Fatalf("captured after %d frames; guidance %v", rr.frames, rr.counts)
				}
				if rr.counts[tc.want] < rr.frames/2 {
					t.Fatalf("guidance %v over %d frames, want mostly %v", rr.counts, rr.frames, tc.want)
				}
				return
			}
			if !rr.last.Done || rr.crop == nil {
				t.Fatalf("not captured in %d frames: %v", rr.frames, rr.counts)
			}
			defer Wipe(rr.crop)
			t.Logf("captured after %d frames (%v)", rr.frames, time.Duration(rr.frames)*framePeriod)
			checkCropEyes(t, rr.crop, cl, cr)
		})
	}
}

// checkCropEyes decodes a crop and finds its pupils: they must sit where
// the template puts them, within 3 px.
func checkCropEyes(t *testing.T, crop []byte, wantL, wantR point) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(crop))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != CropSize || b.Dy() != CropSize {
		t.Fatalf("crop is %v", b)
	}
	if _, ok := img.(*image.YCbCr); !ok {
		t.Fatalf("crop is %T, want colour", img)
	}
	m, err := loadModels()
	if err != nil {
		t.Fatal(err)
	}
	a := newAnalyser(m)
	// The face fills the crop: pad it so the detector's windows can
	// centre on it.
	const pad = 40
	padded := image.NewGray(image.Rect(0, 0, CropSize+2*pad, CropSize+2*pad))
	for i := range padded.Pix {
		padded.Pix[i] = borderLevel
	}
	draw.Draw(padded, image.Rect(pad, pad, pad+CropSize, pad+CropSize), img, image.Point{}, draw.Src)
	g := viewOf(padded)
	faces := a.detect(g, false, sweep{MinSize: 80, MaxSize: 220, Shift: 0.05, Scale: 1.05}, minScore)
	if len(faces) == 0 {
		t.Fatal("no face in the crop")
	}
	lm := a.landmarks(g, faces[0], maxPerturbs, maxPerturbs)
	for _, e := range []struct {
		name      string
		got, want point
	}{{"left eye", lm.leftEye, wantL}, {"right eye", lm.rightEye, wantR}} {
		e.got = e.got.sub(point{pad, pad})
		if e.got.dist(e.want) > 3 {
			t.Errorf("%s at (%.1f, %.1f) in the crop, template says (%.1f, %.1f)", e.name, e.got.X, e.got.Y, e.want.X, e.want.Y)
		}
	}
}

func TestCropPhoto(t *testing.T) {
	cl, cr := chipEyes()
	tests := []struct {
		photo string
		want  error
	}{
		{"obama.jpg", nil},
		{"obama2.jpg", nil},
		{"obama-480p.jpg", nil},
		{"biden.jpg", nil},
		{"two_people.jpg", ErrManyFaces},
		{"obama_partial_face.jpg", ErrPartialFace},
	}
	for _, tc := range tests {
		t.Run(tc.photo, func(t *testing.T) {
			crop, err := CropPhoto(loadPhoto(t, tc.photo))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if err == nil {
				checkCropEyes(t, crop, cl, cr)
				Wipe(crop)
			}
		})
	}
}

func TestCropPhotoGates(t *testing.T) {
	img := loadPhoto(t, "obama.jpg")
	b := img.Bounds()
	rgba := image.NewRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	dark := compose(rgba, framing{1, image.Pt(b.Dx()/2, b.Dy()/2)}, 0, 0, 0.2)
	small := image.NewRGBA(image.Rect(0, 0, b.Dx()/6, b.Dy()/6))
	draw.ApproxBiLinear.Scale(small, small.Rect, img, b, draw.Src, nil)
	tests := []struct {
		name string
		img  image.Image
		want error
	}{
		{"dark", dark, ErrTooDark},
		{"blurred", blur(rgba, 8), ErrBlurred},
		{"small", small, ErrTooSmall},
		{"blank", image.NewGray(image.Rect(0, 0, 300, 300)), ErrTooDark},
		{"tiny", image.NewGray(image.Rect(0, 0, 10, 10)), ErrNoFace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := CropPhoto(tc.img); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}
