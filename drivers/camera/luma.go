package camera

import "image"

// Luma returns f's luma as a gray image, for detectors and code readers.
// A Gray frame is viewed in place (no copy; valid until f.Release); a Raw
// YUYV or an RGBA frame is converted into dst, whose pixels are reused
// when large enough and grown otherwise (nil dst allocates one). The
// result's bounds are (0,0)-(Width,Height). nil when f holds no picture
// Luma can read without decoding (a Raw JPEG) or is malformed.
//
// Steady state allocates nothing: pass back the image Luma returned.
func Luma(f *Frame, dst *image.Gray) *image.Gray {
	if f == nil || f.Width <= 0 || f.Height <= 0 {
		return nil
	}
	switch {
	case f.Pixels == Gray:
		if f.Stride < f.Width || len(f.Pix) < f.Stride*(f.Height-1)+f.Width {
			return nil
		}
		return f.Gray()
	case f.Pixels == Raw && f.Stride > 0:
		dst = fit(dst, f.Width, f.Height)
		if YUYVToGray(dst, f.Pix, f.Stride) != nil {
			return nil
		}
		return dst
	case f.Pixels == RGBA:
		if f.Stride < 4*f.Width || len(f.Pix) < f.Stride*(f.Height-1)+4*f.Width {
			return nil
		}
		dst = fit(dst, f.Width, f.Height)
		for y := range f.Height {
			rgbaLuma(dst.Pix[y*dst.Stride:][:f.Width], f.Pix[y*f.Stride:][:4*f.Width])
		}
		return dst
	}
	return nil
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
