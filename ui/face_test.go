package ui

import (
	"bytes"
	"image"
	"image/color"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// faceView is the face screen with guidance g.
func faceView(o bool, f checkout.FaceView) checkout.View {
	v := checkout.View{Screen: checkout.ScreenFace, Method: checkout.Face, Face: f}
	if o {
		v.Order = testOrder(3, false)
	}
	return v
}

// camFrame is a 640×480 gray frame: a horizontal ramp, so mirroring shows,
// with the brightness shifted by k so consecutive frames differ.
func camFrame(k int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			g.Pix[y*g.Stride+x] = uint8(x*150/640 + k)
		}
	}
	return g
}

func previewRect(t *testing.T, r *Renderer) previewBlock {
	t.Helper()
	for _, b := range r.cur.blocks {
		if pb, ok := b.(previewBlock); ok {
			return pb
		}
	}
	t.Fatal("face screen has no preview")
	return previewBlock{}
}

// TestFacePreviewDamagesOnlyThePreview: a camera frame repaints the
// preview and nothing else, mirrored; it is ignored on other screens and
// the picture is wiped when the face screen leaves.
func TestFacePreviewDamagesOnlyThePreview(t *testing.T) {
	for _, lc := range layouts {
		t.Run(lc.name, func(t *testing.T) {
			r := newTestRenderer(t, lc.l, nil)
			f := checkout.FaceView{Hint: checkout.FaceHoldStill, Box: image.Rect(200, 100, 440, 400), Frame: image.Pt(640, 480), Progress: 30, Left: 42}
			r.Render(faceView(true, f))
			pb := previewRect(t, r)
			for k := range 3 {
				before := bytes.Clone(r.panel.Pix)
				img, damage := r.Preview(camFrame(40 * k))
				want := lc.l.toPanel(pb.r)
				if len(damage) != 1 || damage[0] != want {
					t.Fatalf("frame %d: damage %v, want the preview %v", k, damage, want)
				}
				if p, ok := changedOutside(before, img, damage); ok {
					t.Fatalf("frame %d: pixel %v outside the preview changed", k, p)
				}
				if k > 0 && bytes.Equal(before, img.Pix) {
					t.Fatalf("frame %d: preview did not change", k)
				}
			}
			// Mirrored: the frame's dark left edge is on the preview's right.
			in := pb.r.Inset(pb.r.Dx() / 20)
			left, right := r.logical.RGBAAt(in.Min.X, in.Min.Y+2), r.logical.RGBAAt(in.Max.X-1, in.Min.Y+2)
			if !(left.R > right.R) {
				t.Errorf("preview not mirrored: left %v, right %v", left, right)
			}
			// The face frame is drawn in the hint's colour.
			box := pb.box.Add(pb.r.Min)
			if got := r.logical.RGBAAt(box.Min.X+1, box.Min.Y+(box.Dy()/2)); got != colAccent {
				t.Errorf("face frame colour %v, want amber %v", got, colAccent)
			}

			saveShot(t, r, lc.name+"-face-live")
			r.Render(checkout.View{Screen: checkout.ScreenProcessing, Order: testOrder(3, false)})
			if r.pic.have || r.pic.buf == nil || !allZero(r.pic.buf.Pix) {
				t.Fatal("camera picture kept after the face screen left")
			}
			if _, damage := r.Preview(camFrame(1)); damage != nil {
				t.Fatalf("preview drawn on the processing screen: %v", damage)
			}
			if !allZero(r.pic.buf.Pix) {
				t.Fatal("a frame was kept while the face screen is not shown")
			}
			saveShot(t, r, lc.name+"-face-preview")
			// A new face screen starts dark, not with the last customer.
			r.Render(faceView(true, checkout.FaceView{}))
			pb = previewRect(t, r)
			if got := r.logical.RGBAAt(pb.r.Min.X+pb.r.Dx()/2, pb.r.Min.Y+pb.r.Dy()/2); got != colHeader {
				t.Errorf("new face screen preview %v, want the dark placeholder", got)
			}
		})
	}
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// TestFaceGuidanceRepaintsWhatChanged: a new countdown repaints its line
// only; a new hint repaints the words and the face frame, keeping the
// picture (the preview is repainted from the buffer, not blanked).
func TestFaceGuidanceRepaintsWhatChanged(t *testing.T) {
	r := newTestRenderer(t, Layout{W: 1280, H: 800}, nil)
	f := checkout.FaceView{Hint: checkout.FaceMoveCloser, Box: image.Rect(300, 200, 340, 250), Frame: image.Pt(640, 480), Left: 30}
	r.Render(faceView(true, f))
	r.Preview(camFrame(7))
	pb := previewRect(t, r)
	centre := r.logical.RGBAAt(pb.r.Min.X+pb.r.Dx()/4, pb.r.Min.Y+pb.r.Dy()/4)

	f.Left = 29
	_, damage := r.Render(faceView(true, f))
	if len(damage) != 1 || damage[0].Overlaps(pb.r) || damage[0].Dy() > r.build.m.h/8 {
		t.Errorf("countdown change damaged %v", damage)
	}
	f.Hint, f.Box, f.Progress = checkout.FaceReady, image.Rect(200, 100, 440, 400), 60
	_, damage = r.Render(faceView(true, f))
	var hitPreview bool
	for _, d := range damage {
		hitPreview = hitPreview || d == pb.r
	}
	if !hitPreview {
		t.Errorf("new face frame did not repaint the preview: %v", damage)
	}
	if got := r.logical.RGBAAt(pb.r.Min.X+pb.r.Dx()/4, pb.r.Min.Y+pb.r.Dy()/4); got != centre {
		t.Errorf("picture lost on a guidance change: %v, was %v", got, centre)
	}
}

// TestFaceWordsAndColours: every hint has its own words and a frame
// colour; only Ready is green.
func TestFaceWordsAndColours(t *testing.T) {
	seen := map[string]checkout.FaceHint{}
	for h := checkout.FaceLook; h <= checkout.FaceReady; h++ {
		w := catalog.For("en").T(faceWords(h))
		if w == "" || catalog.For("zh").T(faceWords(h)) == "" {
			t.Errorf("%v: no words", h)
		}
		if prev, dup := seen[w]; dup {
			t.Errorf("%v and %v both say %q", prev, h, w)
		}
		seen[w] = h
		if green := faceColour(h) == colConfirm; green != (h == checkout.FaceReady) {
			t.Errorf("%v: colour %v", h, faceColour(h))
		}
	}
}

// TestPreviewSources: gray, RGBA, YCbCr and other images land the same.
func TestPreviewSources(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(10, 20, 74, 68))
	for y := rgba.Rect.Min.Y; y < rgba.Rect.Max.Y; y++ {
		for x := rgba.Rect.Min.X; x < rgba.Rect.Max.X; x++ {
			rgba.SetRGBA(x, y, color.RGBA{uint8(4 * (x - 10)), uint8(5 * (y - 20)), 90, 255})
		}
	}
	nrgba := image.NewNRGBA(rgba.Rect)
	for y := rgba.Rect.Min.Y; y < rgba.Rect.Max.Y; y++ {
		for x := rgba.Rect.Min.X; x < rgba.Rect.Max.X; x++ {
			nrgba.Set(x, y, rgba.At(x, y))
		}
	}
	var a, b preview
	a.scale(rgba, image.Pt(32, 24))
	b.scale(nrgba, image.Pt(32, 24))
	if !bytes.Equal(a.buf.Pix, b.buf.Pix) {
		t.Error("RGBA fast path differs from the generic path")
	}
	// Mirrored: buffer column 0 is the source's last sampled column.
	if got := a.buf.RGBAAt(0, 0); got.R != uint8(4*(31*64/32)) {
		t.Errorf("buffer (0,0) = %v, want the source's right side", got)
	}
	gray := image.NewGray(rgba.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	a.scale(gray, image.Pt(32, 24))
	b.scale(image.Image(&struct{ *image.Gray }{gray}), image.Pt(32, 24))
	if !bytes.Equal(a.buf.Pix, b.buf.Pix) {
		t.Error("Gray fast path differs from the generic path")
	}
	ycc := image.NewYCbCr(rgba.Rect, image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(3 * i)
	}
	a.scale(ycc, image.Pt(32, 24))
	b.scale(image.Image(&struct{ *image.YCbCr }{ycc}), image.Pt(32, 24))
	if !bytes.Equal(a.buf.Pix, b.buf.Pix) {
		t.Error("YCbCr fast path differs from the generic path")
	}
}

// BenchmarkFacePreview: one 640×480 camera frame onto the face screen.
func BenchmarkFacePreview(b *testing.B) {
	r := newTestRenderer(b, Layout{W: 1280, H: 800}, nil)
	r.Render(faceView(true, checkout.FaceView{Hint: checkout.FaceReady, Box: image.Rect(200, 100, 440, 400), Frame: image.Pt(640, 480)}))
	frame := camFrame(3)
	r.Preview(frame) // the buffer is made once
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		r.Preview(frame)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/frame")
}

// TestPreviewBGRA: a colour camera frame lands the same on a FormatBGRA
// renderer as on an RGBA one, byte-swapped.
func TestPreviewBGRA(t *testing.T) {
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			frame.SetRGBA(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 200, 255})
		}
	}
	v := faceView(true, checkout.FaceView{Hint: checkout.FaceReady, Box: image.Rect(200, 100, 440, 400), Frame: image.Pt(640, 480)})
	var got [2][]byte
	for i, f := range []PixelFormat{FormatRGBA, FormatBGRA} {
		r, err := New(Options{Layout: Layout{W: 800, H: 480}, Format: f})
		if err != nil {
			t.Fatal(err)
		}
		r.RenderBGRA(v)
		img, damage := r.PreviewBGRA(frame)
		if len(damage) != 1 {
			t.Fatalf("%v: damage %v", f, damage)
		}
		got[i] = bytes.Clone(img.Pix)
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Error("the BGRA renderer's preview differs from the RGBA one's, converted")
	}
}
