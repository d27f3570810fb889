// Package facerectest gives tests the face-recognition model and face
// crops of the shared test photos (../shared/testdata/faces beside the
// clone; $PAYTERM_FACES overrides).
package facerectest

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"payterm/payhost/facerec"
)

// FacesEnv names the environment variable that overrides FacesDir.
const FacesEnv = "PAYTERM_FACES"

// RepoRoot is the module's root directory, found from this file's path.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// FacesDir is where the shared test photos are.
func FacesDir() string {
	if d := os.Getenv(FacesEnv); d != "" {
		return d
	}
	return filepath.Join(RepoRoot(), "..", "shared", "testdata", "faces")
}

// Eyes are the centres of the left and right eye (as seen in the photo)
// in a test photo's pixels, chosen by eye: a stand-in for
// internal/face.CropPhoto's landmarks until that lands.
type Eyes struct{ Left, Right image.Point }

// HandEyes holds the eyes of the photos the tests use.
var HandEyes = map[string]Eyes{
	"obama.jpg":      {image.Pt(445, 214), image.Pt(544, 214)},
	"obama2.jpg":     {image.Pt(252, 368), image.Pt(375, 382)},
	"obama-480p.jpg": {image.Pt(424, 93), image.Pt(466, 93)},
	"biden.jpg":      {image.Pt(529, 323), image.Pt(649, 347)},
}

// Where Crop puts the eyes in the facerec.InputSize² chip: level, EyeGap
// apart, centred across, EyeY from the top.
const (
	EyeGap = 42.0
	EyeY   = 58.0
)

// Photo decodes a shared test photo; a missing one fails the test (they
// are part of the checkout, not optional).
func Photo(t testing.TB, name string) image.Image {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(FacesDir(), name))
	if err != nil {
		t.Fatalf("test photo: %v (the photos live in ../shared/testdata/faces beside the clone, or $%s)", err, FacesEnv)
	}
	img, err := jpeg.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("test photo %s: %v", name, err)
	}
	return img
}

// Crop aligns the photo on its HandEyes (a similarity transform that
// levels the eyes and puts them EyeGap apart at height EyeY) into a
// facerec.InputSize² chip, bilinear.
func Crop(t testing.TB, name string) *image.RGBA {
	t.Helper()
	e, ok := HandEyes[name]
	if !ok {
		t.Fatalf("no hand-placed eyes for %s", name)
	}
	return align(Photo(t, name), e)
}

func align(img image.Image, e Eyes) *image.RGBA {
	dx, dy := float64(e.Right.X-e.Left.X), float64(e.Right.Y-e.Left.Y)
	// s2d = scale·rotation taking the eye vector to (EyeGap, 0), then a
	// shift taking the left eye to its place.
	k := EyeGap / (dx*dx + dy*dy)
	a, b := k*dx, k*dy // [a b; -b a] rotates (dx,dy) onto the x axis and scales
	lx, ly := float64(e.Left.X), float64(e.Left.Y)
	cx := float64(facerec.InputSize)/2 - EyeGap/2
	m := f64.Aff3{a, b, cx - (a*lx + b*ly), -b, a, EyeY - (-b*lx + a*ly)}
	dst := image.NewRGBA(image.Rect(0, 0, facerec.InputSize, facerec.InputSize))
	draw.BiLinear.Transform(dst, m, img, img.Bounds(), draw.Src, nil)
	return dst
}

// CropJPEG is Crop encoded as the terminal sends it (JPEG q=92).
func CropJPEG(t testing.TB, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Crop(t, name), &jpeg.Options{Quality: 92}); err != nil {
		t.Fatalf("encode crop: %v", err)
	}
	return b.Bytes()
}

var (
	netOnce sync.Once
	net     *facerec.Net
	netErr  error
)

// Net loads the model once per test binary from facerec.DefaultModelDir.
// With -short the test is skipped; otherwise a missing model fails it
// (tools/deps.sh installs it).
func Net(t testing.TB) *facerec.Net {
	t.Helper()
	if testing.Short() {
		t.Skip("face-recognition network: skipped with -short (a full forward pass per crop)")
	}
	netOnce.Do(func() { net, netErr = facerec.Load(facerec.DefaultModelDir(RepoRoot())) })
	if netErr != nil {
		t.Fatalf("%v (run tools/deps.sh to install the model)", netErr)
	}
	return net
}
