package camera

import "fmt"

// Encoding is what the device sends.
type Encoding int

const (
	// YUYV is packed 4:2:2: each pair of pixels is Y0 Cb Y1 Cr, two bytes
	// a pixel (V4L2_PIX_FMT_YUYV).
	YUYV Encoding = iota + 1
	// MJPEG is one JPEG image per frame (V4L2_PIX_FMT_MJPEG).
	MJPEG
)

func (e Encoding) String() string {
	switch e {
	case YUYV:
		return "YUYV"
	case MJPEG:
		return "MJPEG"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// PixelFormat is the layout of Frame.Pix.
type PixelFormat int

const (
	// Gray is one byte a pixel: the luma as the device sends it (for
	// YUYV in limited range, 16 is black and 235 white), which is what
	// detectors want and costs one byte copy a pixel.
	Gray PixelFormat = iota + 1
	// RGBA is four bytes a pixel, alpha 255, as image.RGBA.
	RGBA
	// Raw is the device's bytes as captured: YUYV rows, or a JPEG image
	// (not decoded; Stride 0).
	Raw
)

func (p PixelFormat) String() string {
	switch p {
	case Gray:
		return "gray"
	case RGBA:
		return "RGBA"
	case Raw:
		return "raw"
	}
	return fmt.Sprintf("PixelFormat(%d)", int(p))
}

// Range is the quantisation of YUYV samples.
type Range int

const (
	// Limited is BT.601 studio range, Y 16–235 and Cb/Cr 16–240: what
	// V4L2 means for YUV formats unless the device says otherwise.
	Limited Range = iota
	// Full is 0–255 for all three, as in JFIF.
	Full
)

// Format is what a consumer asks for and what a frame holds.
type Format struct {
	// Width and Height are in pixels; zero means the device's current
	// size.
	Width, Height int
	// Encoding is what to ask the device for; zero means YUYV.
	Encoding Encoding
	// Pixels is the layout frames are delivered in; zero means Gray.
	// MJPEG is decoded only for Gray and RGBA.
	Pixels PixelFormat
	// Range is how YUYV samples are read for RGBA; drivers set it from
	// the device.
	Range Range
}

// WithDefaults fills zero Encoding and Pixels.
func (f Format) WithDefaults() Format {
	if f.Encoding == 0 {
		f.Encoding = YUYV
	}
	if f.Pixels == 0 {
		f.Pixels = Gray
	}
	return f
}

// Validate reports a format no converter can produce.
func (f Format) Validate() error {
	switch {
	case f.Width <= 0 || f.Height <= 0:
		return fmt.Errorf("camera: format %dx%d: size must be positive", f.Width, f.Height)
	case f.Width > maxSide || f.Height > maxSide:
		return fmt.Errorf("camera: format %dx%d: larger than %d pixels a side", f.Width, f.Height, maxSide)
	case f.Encoding != YUYV && f.Encoding != MJPEG:
		return fmt.Errorf("camera: unknown encoding %v", f.Encoding)
	case f.Pixels != Gray && f.Pixels != RGBA && f.Pixels != Raw:
		return fmt.Errorf("camera: unknown pixel format %v", f.Pixels)
	case f.Encoding == YUYV && f.Pixels == RGBA && f.Width%2 != 0:
		return fmt.Errorf("camera: YUYV width %d is odd", f.Width)
	}
	return nil
}

// maxSide bounds a frame's side so sizes cannot overflow (8K is 7680).
const maxSide = 1 << 13

func (f Format) String() string {
	return fmt.Sprintf("%dx%d %v→%v", f.Width, f.Height, f.Encoding, f.Pixels)
}
