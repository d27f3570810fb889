package camera

import (
	"fmt"
	"image"
	"image/draw"
)

// Converter turns captured buffers of one Format into frames. Not safe
// for concurrent use: each stream has its own.
type Converter struct {
	f         Format
	srcStride int // bytes per YUYV row in the capture buffer
	jpeg      JPEGDecoder
}

// NewConverter converts buffers of format f (defaults filled, size set)
// whose YUYV rows start srcStride bytes apart; zero srcStride means
// packed rows (2×width).
func NewConverter(f Format, srcStride int) (*Converter, error) {
	f = f.WithDefaults()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if srcStride == 0 {
		srcStride = 2 * f.Width
	}
	if f.Encoding == YUYV && srcStride < 2*f.Width {
		return nil, fmt.Errorf("camera: YUYV stride %d under 2×%d", srcStride, f.Width)
	}
	return &Converter{f: f, srcStride: srcStride}, nil
}

// Format is what the converter produces.
func (c *Converter) Format() Format { return c.f }

// Convert fills dst (from a Pool of c's Format) from one captured buffer
// and sets its layout fields; Seq and Time are the driver's. A short or
// corrupt buffer is an error, never a panic. YUYV conversions allocate
// nothing; decoding MJPEG does.
func (c *Converter) Convert(dst *Frame, src []byte) error {
	f := c.f
	dst.Pixels, dst.Width, dst.Height = f.Pixels, f.Width, f.Height
	need := bufferSize(f, len(src))
	if len(dst.buf) < need {
		return fmt.Errorf("camera: %v frame needs %d bytes, pool buffer has %d", f, need, len(dst.buf))
	}
	switch f.Pixels {
	case Raw:
		dst.Stride = 0
		if f.Encoding == YUYV {
			dst.Stride = c.srcStride
		}
		dst.Pix = dst.buf[:copy(dst.buf, src)]
		return nil
	case Gray:
		dst.Stride, dst.Pix = f.Width, dst.buf[:need]
	case RGBA:
		dst.Stride, dst.Pix = 4*f.Width, dst.buf[:need]
	}
	if f.Encoding == YUYV {
		if f.Pixels == Gray {
			return YUYVToGray(dst.Gray(), src, c.srcStride)
		}
		return YUYVToRGBA(dst.RGBA(), src, c.srcStride, f.Range)
	}
	img, err := c.jpeg.Decode(src)
	if err != nil {
		return fmt.Errorf("camera: mjpeg frame: %w", err)
	}
	if b := img.Bounds(); b.Dx() != f.Width || b.Dy() != f.Height {
		return fmt.Errorf("camera: mjpeg frame is %dx%d, stream is %dx%d", b.Dx(), b.Dy(), f.Width, f.Height)
	}
	if f.Pixels == Gray {
		grayFrom(dst.Gray(), img)
		return nil
	}
	r := dst.RGBA()
	draw.Draw(r, r.Rect, img, img.Bounds().Min, draw.Src)
	return nil
}

// grayFrom copies img's luma into dst (same size). A JPEG's Y plane is
// its gray picture; anything else goes through the colour model.
func grayFrom(dst *image.Gray, img image.Image) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		for y := range b.Dy() {
			copy(dst.Pix[y*dst.Stride:][:b.Dx()], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:b.Dx()])
		}
	case *image.Gray:
		for y := range b.Dy() {
			copy(dst.Pix[y*dst.Stride:][:b.Dx()], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:b.Dx()])
		}
	default:
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	}
}
