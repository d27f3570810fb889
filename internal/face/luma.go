package face

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"

	"payterm/drivers/camera"
)

// maxSide bounds a frame's side (as the camera package does).
const maxSide = 1 << 13

// Luma writes f's luma into dst, reusing it when it already has f's
// size (allocating a new one otherwise), and returns it; nil when f is
// malformed (short buffer, bad size). YUYV luma is copied as the camera
// sends it; RGBA goes through BT.601 weights; a raw JPEG (Raw, Stride 0)
// is decoded, which allocates. Gray, RGBA and YUYV allocate nothing once
// dst is the right size.
func Luma(f *camera.Frame, dst *image.Gray) *image.Gray {
	if f == nil || f.Width <= 0 || f.Height <= 0 || f.Width > maxSide || f.Height > maxSide {
		return nil
	}
	w, h := f.Width, f.Height
	need := func(bpp int) bool {
		return f.Stride >= bpp*w && len(f.Pix) >= f.Stride*(h-1)+bpp*w
	}
	switch {
	case f.Pixels == camera.Gray && need(1):
		dst = sized(dst, w, h)
		for y := range h {
			copy(dst.Pix[y*dst.Stride:][:w], f.Pix[y*f.Stride:])
		}
	case f.Pixels == camera.RGBA && need(4):
		dst = sized(dst, w, h)
		for y := range h {
			d, s := dst.Pix[y*dst.Stride:][:w], f.Pix[y*f.Stride:][:4*w]
			for x := range d {
				p := s[4*x : 4*x+3 : 4*x+3]
				d[x] = byte((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
			}
		}
	case f.Pixels == camera.Raw && f.Stride > 0:
		if !need(2) {
			return nil
		}
		dst = sized(dst, w, h)
		if camera.YUYVToGray(dst, f.Pix, f.Stride) != nil {
			return nil
		}
	case f.Pixels == camera.Raw && f.Stride == 0:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(f.Pix))
		if err != nil || cfg.Width != w || cfg.Height != h {
			return nil
		}
		var d camera.JPEGDecoder
		img, err := d.Decode(f.Pix)
		if err != nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			return nil
		}
		dst = sized(dst, w, h)
		grayInto(dst, img)
	default:
		return nil
	}
	return dst
}

// sized returns dst when it is w×h at the origin, else a new picture.
func sized(dst *image.Gray, w, h int) *image.Gray {
	if dst != nil && dst.Rect == image.Rect(0, 0, w, h) {
		return dst
	}
	return image.NewGray(image.Rect(0, 0, w, h))
}

// grayInto copies img's luma into dst (same size): a JPEG's Y plane is
// its luma.
func grayInto(dst *image.Gray, img image.Image) {
	b := img.Bounds()
	if m, ok := img.(*image.YCbCr); ok {
		for y := range b.Dy() {
			copy(dst.Pix[y*dst.Stride:][:b.Dx()], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
		return
	}
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
}
