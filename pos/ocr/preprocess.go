package ocr

import (
	"image"
	"image/color"
)

// Preprocess prepares a screen capture for tesseract, which is trained
// on scanned print: larger glyphs and clean dark-on-light text.
// The zero value means: scale ×2, grayscale, no threshold.
type Preprocess struct {
	Scale     int   // integer upscaling; 0 means 2
	Threshold uint8 // 0: keep gray levels; else binarise at this level
}

func (p Preprocess) scale() int {
	if p.Scale <= 0 {
		return 2
	}
	return p.Scale
}

// Apply returns the prepared gray image. Light text on a dark background
// (a dark POS theme) is inverted, judged by the mean level.
func (p Preprocess) Apply(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	var sum int
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			v := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
			g.Pix[y*g.Stride+x] = v
			sum += int(v)
		}
	}
	invert := b.Dx()*b.Dy() > 0 && sum/(b.Dx()*b.Dy()) < 128
	s := p.scale()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*s, b.Dy()*s))
	// Bilinear upscaling: smoother strokes than nearest for the LSTM.
	for y := 0; y < out.Rect.Dy(); y++ {
		fy := (float64(y)+0.5)/float64(s) - 0.5
		y0 := clamp(int(fy), b.Dy()-1)
		y1 := clamp(y0+1, b.Dy()-1)
		wy := fy - float64(int(fy))
		if fy < 0 {
			wy = 0
		}
		for x := 0; x < out.Rect.Dx(); x++ {
			fx := (float64(x)+0.5)/float64(s) - 0.5
			x0 := clamp(int(fx), b.Dx()-1)
			x1 := clamp(x0+1, b.Dx()-1)
			wx := fx - float64(int(fx))
			if fx < 0 {
				wx = 0
			}
			at := func(x, y int) float64 { return float64(g.Pix[y*g.Stride+x]) }
			v := (at(x0, y0)*(1-wx)+at(x1, y0)*wx)*(1-wy) + (at(x0, y1)*(1-wx)+at(x1, y1)*wx)*wy
			u := uint8(v + 0.5)
			if invert {
				u = 255 - u
			}
			if p.Threshold > 0 {
				if u < p.Threshold {
					u = 0
				} else {
					u = 255
				}
			}
			out.Pix[y*out.Stride+x] = u
		}
	}
	return out
}

func clamp(v, hi int) int { return max(0, min(v, hi)) }
