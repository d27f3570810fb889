package codecam

import (
	"errors"
	"image"

	"github.com/makiuchi-d/gozxing"
)

// source is a gozxing.LuminanceSource over a gray image, read in place:
// decoding a frame copies no picture when its rows are packed. The
// reader reuses one source (and its buffers) for every frame.
type source struct {
	img *image.Gray
	w   int
	h   int
	// packed holds the picture when img's rows are not contiguous, and
	// rot a rotated copy for the 1-D reader's second try; both reused.
	packed []byte
	rot    *source
	rotBuf image.Gray
}

var _ gozxing.LuminanceSource = (*source)(nil)

// reset points s at img.
func (s *source) reset(img *image.Gray) {
	s.img, s.w, s.h = img, img.Rect.Dx(), img.Rect.Dy()
}

func (s *source) GetWidth() int  { return s.w }
func (s *source) GetHeight() int { return s.h }

// row is row y of the picture, in place.
func (s *source) row(y int) []byte {
	o := s.img.PixOffset(s.img.Rect.Min.X, s.img.Rect.Min.Y+y)
	return s.img.Pix[o : o+s.w]
}

// GetRow copies row y into row (grown when short): callers such as
// gozxing's inverted source write into what they get.
func (s *source) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.h {
		return nil, errors.New("codecam: row outside the picture")
	}
	if len(row) < s.w {
		row = make([]byte, s.w)
	}
	copy(row, s.row(y))
	return row, nil
}

// GetMatrix returns the packed picture. gozxing's binarizers only read
// it; a packed image is returned in place.
func (s *source) GetMatrix() []byte {
	n := s.w * s.h
	if s.img.Stride == s.w && s.img.Rect.Min == (image.Point{}) {
		return s.img.Pix[:n]
	}
	if cap(s.packed) < n {
		s.packed = make([]byte, n)
	}
	s.packed = s.packed[:n]
	for y := range s.h {
		copy(s.packed[y*s.w:], s.row(y))
	}
	return s.packed
}

func (s *source) IsCropSupported() bool { return true }

// Crop views a part of the picture (no copy).
func (s *source) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	r := image.Rect(left, top, left+width, top+height).Add(s.img.Rect.Min)
	if width <= 0 || height <= 0 || !r.In(s.img.Rect) {
		return nil, errors.New("codecam: crop outside the picture")
	}
	c := &source{}
	c.reset(s.img.SubImage(r).(*image.Gray))
	return c, nil
}

func (s *source) IsRotateSupported() bool { return true }

// RotateCounterClockwise returns the picture turned a quarter left, in a
// buffer this source keeps for the next frame: the 1-D reader's try for
// vertical bars. The result is valid until the next call.
func (s *source) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	w, h := s.h, s.w // the rotated size
	if cap(s.rotBuf.Pix) < w*h {
		s.rotBuf.Pix = make([]byte, w*h)
	}
	s.rotBuf.Pix, s.rotBuf.Stride, s.rotBuf.Rect = s.rotBuf.Pix[:w*h], w, image.Rect(0, 0, w, h)
	// Rotated (x, y) is original (s.w-1-y, x).
	for x := range w {
		src := s.row(x)
		for y := range h {
			s.rotBuf.Pix[y*w+x] = src[s.w-1-y]
		}
	}
	if s.rot == nil {
		s.rot = &source{}
	}
	s.rot.reset(&s.rotBuf)
	return s.rot, nil
}

func (s *source) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errors.New("codecam: 45° rotation not supported")
}

func (s *source) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(s) }

func (s *source) String() string { return gozxing.LuminanceSourceString(s) }
