package region

import (
	"fmt"
	"image"
	"math/bits"
)

// PixelFormat describes a ZPixmap as the X server sends it: bits per pixel
// (16, 24 or 32; a depth-24 screen normally uses 32), the row padding in
// bits, the byte order of a pixel, and the visual's colour masks.
type PixelFormat struct {
	BitsPerPixel int
	ScanlinePad  int  // bits: 8, 16 or 32
	MSBFirst     bool // X11 image-byte-order MSBFirst (big-endian pixels)
	Red, Green   uint32
	Blue         uint32
}

// stride is the bytes of one row of width pixels.
func (f PixelFormat) stride(width int) int {
	pad := max(f.ScanlinePad, 8)
	rowBits := width * f.BitsPerPixel
	return (rowBits + pad - 1) / pad * pad / 8
}

// ToRGBA converts a ZPixmap of width×height pixels into an opaque RGBA
// image. Channels narrower than 8 bits (16-bit depths) are scaled up.
func (f PixelFormat) ToRGBA(data []byte, width, height int) (*image.RGBA, error) {
	if f.BitsPerPixel != 16 && f.BitsPerPixel != 24 && f.BitsPerPixel != 32 {
		return nil, fmt.Errorf("region: %d bits per pixel not supported", f.BitsPerPixel)
	}
	if f.Red == 0 || f.Green == 0 || f.Blue == 0 {
		return nil, fmt.Errorf("region: not a true-colour visual (masks %#x %#x %#x)", f.Red, f.Green, f.Blue)
	}
	stride := f.stride(width)
	if len(data) < stride*height {
		return nil, fmt.Errorf("region: image data %d bytes, want %d", len(data), stride*height)
	}
	bpp := f.BitsPerPixel / 8
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	chans := [3]channel{newChannel(f.Red), newChannel(f.Green), newChannel(f.Blue)}
	for y := 0; y < height; y++ {
		row := data[y*stride:]
		out := img.Pix[y*img.Stride:]
		for x := 0; x < width; x++ {
			var p uint32
			px := row[x*bpp : x*bpp+bpp]
			for i := range bpp {
				if f.MSBFirst {
					p = p<<8 | uint32(px[i])
				} else {
					p |= uint32(px[i]) << (8 * i)
				}
			}
			for c, ch := range chans {
				out[4*x+c] = ch.value(p)
			}
			out[4*x+3] = 0xff
		}
	}
	return img, nil
}

// channel extracts one colour from a pixel through its mask.
type channel struct {
	shift, width int
	mask         uint32
}

func newChannel(mask uint32) channel {
	s := bits.TrailingZeros32(mask)
	return channel{shift: s, width: bits.OnesCount32(mask), mask: mask}
}

func (c channel) value(p uint32) uint8 {
	v := (p & c.mask) >> c.shift
	switch {
	case c.width >= 8:
		return uint8(v >> (c.width - 8))
	default: // replicate the high bits into the low ones: 5 bits 11111 → 255
		v <<= 8 - c.width
		return uint8(v | v>>c.width)
	}
}
