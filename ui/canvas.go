package ui

import (
	"image"
	"image/color"

	"github.com/fogleman/gg"
)

// canvas is what blocks paint on: the upright image, gg for shapes and a
// textDrawer for text.
type canvas struct {
	img   *image.RGBA
	gc    *gg.Context
	text  textDrawer
	discs discCache       // rounded corners
	tabs  blendTabs       // their edges' blends
	clip  image.Rectangle // the block being painted; nothing lands outside it
	// runs, when not nil, records every line of text drawn, measured:
	// the fit tests read it. nil in service (no cost).
	runs *[]textRun
	// bgra: img holds B, G, R, A bytes (FormatBGRA); every colour is
	// swapped as it is drawn, so the bytes are the RGBA render's with red
	// and blue exchanged, pixel for pixel.
	bgra bool
}

// col is col as img stores it.
func (c *canvas) col(col color.RGBA) color.RGBA {
	if c.bgra {
		col.R, col.B = col.B, col.R
	}
	return col
}

// setColor sets gg's colour for the next shape.
func (c *canvas) setColor(col color.RGBA) { c.gc.SetColor(c.col(col)) }

// textRun is one line of text as textIn laid it out: the box it was
// given, the clip that bounds its pixels, what it was asked to say and
// what it drew (shortened with an ellipsis when too wide), and the
// rectangle its glyphs' ink covers.
type textRun struct {
	box, clip image.Rectangle
	src, s    string
	width     int // advance width of s
	ink       image.Rectangle
	st        *style
}

func newCanvas(img *image.RGBA, text textDrawer) *canvas {
	return &canvas{img: img, gc: gg.NewContextForRGBA(img), text: text}
}

// fill paints r in col, opaque, by row copies. Blocks paint on bounds
// already cleared to colBg, so they fill only where their background
// differs.
func (c *canvas) fill(r image.Rectangle, col color.RGBA) {
	fillRect(c.img, r, c.col(col))
}

// roundRect fills r with rounded corners. The straight parts are row
// fills; the four corners are the quadrants of a cached antialiased disc
// of the corner's radius, whose straight sides sit on pixel boundaries
// so nothing seams.
func (c *canvas) roundRect(r image.Rectangle, radius float64, col color.RGBA) {
	rad := min(int(radius+0.5), r.Dx()/2, r.Dy()/2)
	if rad <= 0 {
		c.fill(r, col)
		return
	}
	c.fill(image.Rect(r.Min.X+rad, r.Min.Y, r.Max.X-rad, r.Max.Y), col)
	c.fill(image.Rect(r.Min.X, r.Min.Y+rad, r.Min.X+rad, r.Max.Y-rad), col)
	c.fill(image.Rect(r.Max.X-rad, r.Min.Y+rad, r.Max.X, r.Max.Y-rad), col)
	disc, ink := c.discs.get(rad), c.col(col)
	for _, q := range [4]image.Point{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
		at := image.Pt(r.Min.X, r.Min.Y)
		if q.X == 1 {
			at.X = r.Max.X - rad
		}
		if q.Y == 1 {
			at.Y = r.Max.Y - rad
		}
		dr := image.Rectangle{Min: at, Max: at.Add(image.Pt(rad, rad))}.Intersect(c.img.Rect)
		maskOver(c.img, dr, disc, q.Mul(rad).Add(dr.Min.Sub(at)), ink, &c.tabs)
	}
}

// outlineRect is a rounded outline w pixels wide in col, filled with
// inside: two filled shapes, cheaper than stroking.
func (c *canvas) outlineRect(r image.Rectangle, radius float64, w int, col, inside color.RGBA) {
	c.roundRect(r, radius, col)
	c.roundRect(r.Inset(w), max(0, radius-float64(w)), inside)
}

// align places a line of text horizontally in its box.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// textIn draws one line of s in r, ellipsized to r's width, centred
// vertically on capital height, clipped to r's columns within the block.
func (c *canvas) textIn(r image.Rectangle, st *style, s string, a align, col color.RGBA) {
	src := s
	s = st.ellipsize(s, r.Dx())
	x := r.Min.X
	switch a {
	case alignCenter:
		x += (r.Dx() - st.measure(s)) / 2
	case alignRight:
		x = r.Max.X - st.measure(s)
	}
	base := r.Min.Y + (r.Dy()+st.capHeight)/2
	clip := image.Rect(r.Min.X, c.clip.Min.Y, r.Max.X, c.clip.Max.Y).Intersect(c.clip)
	c.text.drawText(c.img, clip, st, s, image.Pt(x, base), c.col(col))
	if c.runs != nil {
		*c.runs = append(*c.runs, textRun{box: r, clip: clip, src: src, s: s, width: st.measure(s),
			ink: st.ink(s, image.Pt(x, base)), st: st})
	}
}
