package sandboxtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"testing"

	"payterm/payhost"
	"payterm/payhost/facerec"
	"payterm/payhost/sandbox"
)

// FaceKey is the host's face key in a Start-ed sandbox (unless the
// options name another), derived from a public string: tests only.
func FaceKey() *payhost.FaceKey {
	seed := sha256.Sum256([]byte("payterm sandboxtest face key (public, tests only)"))
	k, err := payhost.ParseFaceKey(seed[:])
	if err != nil {
		panic("sandboxtest: " + err.Error()) // a fixed, valid key
	}
	return k
}

// ColourFaces is a stand-in Recognizer for tests that are not about
// recognition: a crop's descriptor is its mean colour (R, G, B in 0…1,
// the rest zero), so ColourCrop(c) of one colour is one "person" and
// colours far apart are strangers. Start uses it unless the options
// name a Recognizer.
type ColourFaces struct{}

// Descriptor implements sandbox.Recognizer.
func (ColourFaces) Descriptor(img image.Image) (facerec.Descriptor, error) {
	var d facerec.Descriptor
	var sum [3]float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum[0] += float64(r)
			sum[1] += float64(g)
			sum[2] += float64(bl)
		}
	}
	n := float64(b.Dx()*b.Dy()) * 0xffff
	for i := range sum {
		d[i] = float32(sum[i] / n)
	}
	return d, nil
}

var _ sandbox.Recognizer = ColourFaces{}

// ColourCrop is a facerec.InputSize² JPEG crop of one colour (see
// ColourFaces).
func ColourCrop(c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, facerec.InputSize, facerec.InputSize))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 92}); err != nil {
		panic("sandboxtest: " + err.Error())
	}
	return b.Bytes()
}

// FaceAuth is the AuthCode a terminal sends for crop, sealed to FaceKey
// for the request's terminal and order (set those before; sign after).
func FaceAuth(tb testing.TB, req payhost.PayRequest, crop []byte) string {
	tb.Helper()
	token, err := payhost.SealFace(FaceKey().Public(), crop, payhost.FaceBinding{TerminalID: req.TerminalID, OrderHash: req.OrderHash})
	if err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
	return payhost.FacePrefix + token
}

// EnrolCrop enrols crop for the account, failing the test on error.
func (e *Env) EnrolCrop(tb testing.TB, accountID string, crop []byte) {
	tb.Helper()
	if _, err := e.Host.EnrolFace(context.Background(), accountID, sandbox.NewFace{CropJPEG: crop}); err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
}
