package codecam

import "image"

// halve writes src at half its size into dst (pixels reused), each pixel
// the mean of a 2×2 block, and returns it. Averaging also smooths sensor
// noise, which is why a small code often reads better halved.
func halve(dst *image.Gray, src *image.Gray) *image.Gray {
	w, h := src.Rect.Dx()/2, src.Rect.Dy()/2
	if cap(dst.Pix) < w*h {
		dst.Pix = make([]byte, w*h)
	}
	dst.Pix, dst.Stride, dst.Rect = dst.Pix[:w*h], w, image.Rect(0, 0, w, h)
	for y := range h {
		a := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+2*y):][: 2*w : 2*w]
		b := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+2*y+1):][: 2*w : 2*w]
		d := dst.Pix[y*w:][:w:w]
		for x := range d {
			d[x] = uint8((uint(a[2*x]) + uint(a[2*x+1]) + uint(b[2*x]) + uint(b[2*x+1]) + 2) >> 2)
		}
	}
	return dst
}
