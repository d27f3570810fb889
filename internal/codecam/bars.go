package codecam

import (
	"errors"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// barLines is how many rows, and how many columns, of a frame are
// scanned for Code 128, spread over the whole picture from its middle
// out. A bar code a customer holds up fills a good part of the frame; 24
// lines a direction find it level or upright, tilted by up to the angle
// its bars' height allows, in about a millisecond (gozxing's "try
// harder" scans every row and a turned copy: ten times as long).
const barLines = 24

// barPhases: each frame scans its lines shifted by a further 1/barPhases
// of their spacing, so a code held still for barPhases frames has been
// scanned along four times as many lines.
const barPhases = 4

// barScanner reads Code 128 along rows and columns of a picture.
type barScanner struct {
	dec   oned.RowDecoder
	row   *gozxing.BitArray
	cols  columns
	phase int // which shift this frame's lines take, 0 to barPhases-1
}

func newBarScanner() *barScanner {
	return &barScanner{dec: oned.NewCode128Reader().(oned.RowDecoder)}
}

// scan returns the first code along rows, then columns, of src that
// valid accepts.
func (b *barScanner) scan(src *source, valid func(string) bool) (string, bool) {
	defer func() { b.phase = (b.phase + 1) % barPhases }()
	if text, ok := b.lines(src, valid); ok {
		return text, true
	}
	b.cols.img = src.img
	return b.lines(&b.cols, valid)
}

// lines decodes barLines rows of src, each both ways.
func (b *barScanner) lines(src gozxing.LuminanceSource, valid func(string) bool) (string, bool) {
	w, h := src.GetWidth(), src.GetHeight()
	if b.row == nil || b.row.GetSize() < w {
		b.row = gozxing.NewBitArray(w)
	}
	bin := gozxing.NewGlobalHistgramBinarizer(src)
	step := max(h/barLines, 1)
	mid := h/2 + step*b.phase/barPhases
	for i := range barLines {
		// Middle, then one step above, one below, two above...
		off := (i + 1) / 2 * step
		if i%2 == 1 {
			off = -off
		}
		y := mid + off
		if y < 0 || y >= h {
			continue
		}
		row, err := bin.GetBlackRow(y, b.row)
		if err != nil {
			continue
		}
		b.row = row
		for range 2 {
			if res, err := b.dec.DecodeRow(y, row, nil); err == nil && valid(res.GetText()) {
				return res.GetText(), true
			}
			row.Reverse() // an upside-down code reads backwards
		}
	}
	return "", false
}

// columns is a picture seen through its columns: row i is column i, top
// to bottom, so bars standing upright are read like level ones without
// turning the picture. Only what the 1-D binarizer uses is supported.
type columns struct {
	img *image.Gray
}

func (c *columns) GetWidth() int  { return c.img.Rect.Dy() }
func (c *columns) GetHeight() int { return c.img.Rect.Dx() }

func (c *columns) GetRow(x int, row []byte) ([]byte, error) {
	r := c.img.Rect
	if x < 0 || x >= r.Dx() {
		return nil, errors.New("codecam: column outside the picture")
	}
	if len(row) < r.Dy() {
		row = make([]byte, r.Dy())
	}
	o := c.img.PixOffset(r.Min.X+x, r.Min.Y)
	for y := range r.Dy() {
		row[y] = c.img.Pix[o]
		o += c.img.Stride
	}
	return row, nil
}

func (c *columns) GetMatrix() []byte {
	m := make([]byte, 0, c.img.Rect.Dx()*c.img.Rect.Dy())
	var row []byte
	for x := range c.img.Rect.Dx() {
		row, _ = c.GetRow(x, row)
		m = append(m, row...)
	}
	return m
}

func (c *columns) IsCropSupported() bool { return false }
func (c *columns) Crop(int, int, int, int) (gozxing.LuminanceSource, error) {
	return nil, errors.New("codecam: columns cannot be cropped")
}
func (c *columns) IsRotateSupported() bool { return false }
func (c *columns) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return nil, errors.New("codecam: columns cannot be turned")
}
func (c *columns) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errors.New("codecam: columns cannot be turned")
}
func (c *columns) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(c) }
func (c *columns) String() string                  { return gozxing.LuminanceSourceString(c) }
