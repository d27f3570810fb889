package face

import (
	"image"
	"image/color"
	_ "image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// facesDir finds ../shared/testdata/faces beside the clone (or beside a
// worktree's parent), looking upwards from this package.
func facesDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "testdata", "faces")
		if _, err := os.Stat(filepath.Join(p, "obama.jpg")); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if testing.Short() {
		t.Skip("face photos not found in ../shared/testdata/faces (-short)")
	}
	t.Fatal("face photos not found: ../shared/testdata/faces must sit beside the clone")
	return ""
}

func loadPhoto(t testing.TB, name string) image.Image {
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

// framing places a photo in a 640×480 camera frame: the photo is scaled
// by Scale and the point At (photo pixels) lands on the frame's centre;
// what the photo does not cover is black, like a picture shown
// letterboxed on a phone.
type framing struct {
	Scale float64
	At    image.Point
}

// compose renders the framing shifted by (dx, dy) frame pixels with
// brightness multiplied by gain.
func compose(src image.Image, fr framing, dx, dy float64, gain float64) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(dst, dst.Rect, image.NewUniform(color.Black), image.Point{}, draw.Src)
	// Frame point p = (q − At)·Scale + centre + (dx, dy) for photo point q.
	ox := 320 - float64(fr.At.X)*fr.Scale + dx
	oy := 240 - float64(fr.At.Y)*fr.Scale + dy
	s2d := f64.Aff3{fr.Scale, 0, ox, 0, fr.Scale, oy}
	draw.BiLinear.Transform(dst, s2d, src, src.Bounds(), draw.Src, nil)
	applyGain(dst, gain)
	return dst
}

func applyGain(img *image.RGBA, gain float64) {
	if gain == 1 {
		return
	}
	for i := range img.Pix {
		if i%4 != 3 {
			img.Pix[i] = byte(min(255, float64(img.Pix[i])*gain+0.5))
		}
	}
}

// scene is a framing rendered once with a margin, so frames shifted by
// whole pixels are cheap copies.
type scene struct{ canvas *image.RGBA }

const sceneMargin = 4

func newScene(src image.Image, fr framing) scene {
	c := image.NewRGBA(image.Rect(-sceneMargin, -sceneMargin, 640+sceneMargin, 480+sceneMargin))
	draw.Draw(c, c.Rect, image.NewUniform(color.Black), image.Point{}, draw.Src)
	ox := 320 - float64(fr.At.X)*fr.Scale
	oy := 240 - float64(fr.At.Y)*fr.Scale
	draw.BiLinear.Transform(c, f64.Aff3{fr.Scale, 0, ox, 0, fr.Scale, oy}, src, src.Bounds(), draw.Src, nil)
	return scene{c}
}

// frame is the scene seen shifted by (dx, dy) (at most the margin) at
// brightness gain.
func (s scene) frame(dx, dy int, gain float64) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(dst, dst.Rect, s.canvas, image.Pt(-dx, -dy), draw.Src)
	applyGain(dst, gain)
	return dst
}

func grayOf(img image.Image) *image.Gray {
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

// frames used across the tests: each photo framed the way a customer
// at arm's length fills a 640×480 camera.
var framings = map[string]framing{
	"obama.jpg":              {0.6, image.Pt(490, 250)},
	"obama2.jpg":             {0.55, image.Pt(306, 430)},
	"obama-480p.jpg":         {1.3, image.Pt(443, 110)},
	"biden.jpg":              {0.4, image.Pt(588, 380)},
	"two_people.jpg":         {0.55, image.Pt(600, 200)},
	"obama_partial_face.jpg": {1.0, image.Pt(200, 260)},
}
