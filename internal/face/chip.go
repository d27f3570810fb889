package face

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
)

// CropSize is the side of the aligned crop, in pixels.
const CropSize = 150

// chipPadding is dlib's get_face_chip_details padding for the
// recogniser's 150×150 chips: the template's unit square grows by a
// quarter on each side.
const chipPadding = 0.25

// JPEGQuality is the crop's JPEG quality.
const JPEGQuality = 92

// dlib's mean face (points 36–47 of the 68-point layout: the six
// contour points of each eye) in the template's unit square. Only the
// eyes are needed: the chip is placed by the pupils, and a pupil sits
// at the mean of its eye's contour.
var (
	templateEyeX = [12]float64{0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743,
		0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335}
	templateEyeY = [12]float64{0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077,
		0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099}
)

// ChipEyes returns where the pupils land in the crop (image-left eye
// first), in pixel-index coordinates: the template's eye centres mapped
// as dlib maps template points, (padding+p)/(2·padding+1)·size. For
// size 150 and padding 0.25 they are (47.55, 46.60) and (100.48, 46.60):
// 52.9 px apart, level, symmetric about the crop's centre line x=74.0.
func ChipEyes() (left, right image.Point, leftF, rightF [2]float64) {
	l, r := chipEyes()
	return image.Pt(int(math.Round(l.X)), int(math.Round(l.Y))), image.Pt(int(math.Round(r.X)), int(math.Round(r.Y))),
		[2]float64{l.X, l.Y}, [2]float64{r.X, r.Y}
}

func chipEyes() (left, right point) {
	var l, r point
	for i := range 6 {
		l.X, l.Y = l.X+templateEyeX[i]/6, l.Y+templateEyeY[i]/6
		r.X, r.Y = r.X+templateEyeX[6+i]/6, r.Y+templateEyeY[6+i]/6
	}
	toChip := func(p point) point {
		k := CropSize / (2*chipPadding + 1)
		return point{(chipPadding + p.X) * k, (chipPadding + p.Y) * k}
	}
	return toChip(l), toChip(r)
}

// sampler reads a picture's colour at integer pixel positions; ok is
// false outside it.
type sampler interface {
	rgb(x, y int) (r, g, b uint8, ok bool)
}

// renderChip fills dst (CropSize×CropSize) with the picture turned and
// scaled so its pupils at left and right land on the template's, as
// dlib's extract_image_chip does with bilinear sampling. When the face
// is larger than the chip, each chip pixel averages k×k bilinear
// samples so the downscale does not alias. Outside the picture is black.
func renderChip(dst *image.RGBA, src sampler, left, right point) {
	cl, cr := chipEyes()
	from, to := newEyeFrame(cl, cr), newEyeFrame(left, right)
	k := int(math.Ceil(to.unit / from.unit))
	k = min(max(k, 1), 4)
	for v := range CropSize {
		for u := range CropSize {
			var sr, sg, sb float64
			for j := range k {
				for i := range k {
					c := point{float64(u) + (float64(i)+0.5)/float64(k) - 0.5, float64(v) + (float64(j)+0.5)/float64(k) - 0.5}
					p := to.out(from.in(c))
					r, g, b := bilinear(src, p)
					sr, sg, sb = sr+r, sg+g, sb+b
				}
			}
			n := float64(k * k)
			o := dst.PixOffset(u, v)
			dst.Pix[o] = byte(sr/n + 0.5)
			dst.Pix[o+1] = byte(sg/n + 0.5)
			dst.Pix[o+2] = byte(sb/n + 0.5)
			dst.Pix[o+3] = 0xff
		}
	}
}

func bilinear(src sampler, p point) (r, g, b float64) {
	x0, y0 := math.Floor(p.X), math.Floor(p.Y)
	fx, fy := p.X-x0, p.Y-y0
	ix, iy := int(x0), int(y0)
	for _, t := range [4]struct {
		dx, dy int
		w      float64
	}{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)}, {0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
		if t.w == 0 {
			continue
		}
		if cr, cg, cb, ok := src.rgb(ix+t.dx, iy+t.dy); ok {
			r += t.w * float64(cr)
			g += t.w * float64(cg)
			b += t.w * float64(cb)
		}
	}
	return r, g, b
}

// encodeChip renders and encodes the crop, then wipes its own pixels.
// The JPEG returned is the caller's to wipe.
func encodeChip(src sampler, left, right point) ([]byte, error) {
	chip := image.NewRGBA(image.Rect(0, 0, CropSize, CropSize))
	defer clear(chip.Pix)
	renderChip(chip, src, left, right)
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if err := jpeg.Encode(&buf, chip, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		Wipe(buf.Bytes())
		return nil, fmt.Errorf("face: crop: %w", err)
	}
	return buf.Bytes(), nil
}

// Wipe zeroes b: call it on a crop once it is sealed.
func Wipe(b []byte) { clear(b) }
