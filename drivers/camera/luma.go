package camera

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
)

// Luma writes f's luma into dst and returns it, for face detectors and
// code readers. dst's pixels are reused when large enough and grown
// otherwise (nil dst allocates one); the result is always dst's memory,
// never the frame's, so it stays valid after f.Release. The result's
// bounds are (0,0)-(Width,Height). Gray is copied; YUYV luma as the
// camera sends it; RGBA through BT.601 weights (full range, as
// color.GrayModel); a raw JPEG (Raw, Stride 0) is decoded, which
// allocates. nil when f is malformed (short buffer, bad size, a JPEG of
// another size).
//
// Steady state allocates nothing for Gray, YUYV and RGBA: pass back the
// image Luma returned.
func Luma(f *Frame, dst *image.Gray) *image.Gray {
	if f == nil || f.Width <= 0 || f.Height <= 0 || f.Width > maxSide || f.Height > maxSide ||
		f.Stride < 0 || f.Stride > 4*maxSide {
		return nil
	}
	w, h := f.Width, f.Height
	need := func(bpp int) bool {
		return f.Stride >= bpp*w && len(f.Pix) >= f.Stride*(h-1)+bpp*w
	}
	switch {
	case f.Pixels == Gray && need(1):
		dst = fit(dst, w, h)
		for y := range h {
			copy(dst.Pix[y*dst.Stride:][:w], f.Pix[y*f.Stride:])
		}
	case f.Pixels == RGBA && need(4):
		dst = fit(dst, w, h)
		for y := range h {
			rgbaLuma(dst.Pix[y*dst.Stride:][:w], f.Pix[y*f.Stride:][:4*w])
		}
	case f.Pixels == Raw && f.Stride > 0:
		if !need(2) {
			return nil
		}
		dst = fit(dst, w, h)
		if YUYVToGray(dst, f.Pix, f.Stride) != nil {
			return nil
		}
	case f.Pixels == Raw && f.Stride == 0:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(f.Pix))
		if err != nil || cfg.Width != w || cfg.Height != h {
			return nil
		}
		var d JPEGDecoder
		img, err := d.Decode(f.Pix)
		if err != nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			return nil
		}
		dst = fit(dst, w, h)
		grayInto(dst, img)
	default:
		return nil
	}
	return dst
}

// fit makes dst a packed w×h gray image, reusing its pixels when they
// are enough.
func fit(dst *image.Gray, w, h int) *image.Gray {
	if dst == nil {
		dst = &image.Gray{}
	}
	if cap(dst.Pix) < w*h {
		dst.Pix = make([]byte, w*h)
	}
	dst.Pix, dst.Stride, dst.Rect = dst.Pix[:w*h], w, image.Rect(0, 0, w, h)
	return dst
}

// rgbaLuma writes BT.601 luma (full range, as color.GrayModel) of the
// RGBA pixels s into d.
func rgbaLuma(d, s []byte) {
	for i := range d {
		p := s[4*i : 4*i+3 : 4*i+3]
		// 0.299, 0.587, 0.114 in 16.16 fixed point.
		d[i] = uint8((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
	}
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
