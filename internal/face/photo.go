package face

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
)

const (
	// minSide is the smallest picture worth searching.
	minSide = 32
	// photoSide is the long side a photo is scaled down to for detection.
	photoSide = 800
	// minPhotoFace is the least face square, in the photo's own pixels,
	// that still gives the 150-pixel crop its detail (pupils ≥ ~28 px
	// apart, half the crop's 53).
	minPhotoFace = 80
	// borderLevel is the grey a photo is padded with.
	borderLevel = 128
)

// CropPhoto finds the one face in a still photo (an enrolment picture)
// and returns its aligned crop, or the first gate it fails: ErrNoFace,
// ErrManyFaces, ErrTooSmall, ErrPartialFace, ErrTooDark, ErrTooBright,
// ErrPose, ErrBlurred. The gates are the live ones minus centring, the
// upper size limit, motion and liveness.
func CropPhoto(img image.Image) ([]byte, error) {
	m, err := loadModels()
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	if b.Dx() < minSide || b.Dy() < minSide {
		return nil, fmt.Errorf("face: photo %dx%d: %w", b.Dx(), b.Dy(), ErrNoFace)
	}
	k := math.Min(1, photoSide/float64(max(b.Dx(), b.Dy())))
	w, h := int(float64(b.Dx())*k+0.5), int(float64(b.Dy())*k+0.5)
	// A face cut by the photo's edge is only found when the detector's
	// windows may reach past the edge: the photo sits in a uniform border,
	// which content() then tells apart from the picture.
	pad := min(w, h) / 4
	gray := image.NewGray(image.Rect(0, 0, w+2*pad, h+2*pad))
	defer clear(gray.Pix)
	draw.Draw(gray, gray.Rect, image.NewUniform(color.Gray{Y: borderLevel}), image.Point{}, draw.Src)
	draw.ApproxBiLinear.Scale(gray, image.Rect(pad, pad, pad+w, pad+h), img, b, draw.Src, nil)
	g := viewOf(gray)
	short := float64(min(w, h))
	a := newAnalyser(m).assess(g, params{
		sweep:    sweep{MinSize: max(24, int(0.08*short)), MaxSize: int(short), Shift: 0.05, Scale: 1.1},
		minFace:  minPhotoFace * k,
		perturbs: maxPerturbs,
		minSharp: minSharp,
	})
	if a.g != Ready {
		return nil, fmt.Errorf("face: photo: %w", errorOf(a.g))
	}
	// Landmarks back to the photo's own pixels for a full-detail crop.
	back := func(p point) point { return point{(p.X-float64(pad)+0.5)/k - 0.5, (p.Y-float64(pad)+0.5)/k - 0.5} }
	return encodeChip(imageSampler{img}, back(a.lm.leftEye), back(a.lm.rightEye))
}
