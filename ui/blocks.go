package ui

import (
	"image"
	"image/color"
)

// block is one non-overlapping piece of a frame. paint draws on its
// bounds, already cleared to colBg, and nowhere else. Blocks are
// comparable values: two equal blocks paint the same pixels, which is how
// Render finds what changed. Their fields must therefore all be
// comparable and be everything paint reads (styles are fixed for a
// Renderer's life).
type block interface {
	bounds() image.Rectangle
	paint(c *canvas)
}

// textBlock is one line of text on a plain background.
type textBlock struct {
	r      image.Rectangle
	st     *style
	s      string
	a      align
	fg, bg color.RGBA
	inset  int // horizontal padding
}

func (b textBlock) bounds() image.Rectangle { return b.r }

func (b textBlock) paint(c *canvas) {
	if b.bg != colBg {
		c.fill(b.r, b.bg)
	}
	r := b.r
	r.Min.X += b.inset
	r.Max.X -= b.inset
	c.textIn(r, b.st, b.s, b.a, b.fg)
}

// btnKind is a button's look.
type btnKind int

const (
	btnConfirm   btnKind = iota // green: go ahead
	btnAccent                   // amber: report a problem
	btnPrimary                  // blue: a choice
	btnSecondary                // outlined: cancel, back
	btnPrev                     // outlined arrow left, on the header
	btnNext                     // outlined arrow right, on the header
	btnLang                     // outlined label, on the header: the language switch
)

// buttonBlock is a button drawn in the middle of its slot; the slot's
// remaining area takes the background colour.
type buttonBlock struct {
	slot, btn image.Rectangle
	kind      btnKind
	label     string
	st        *style
	narrow    *style // smaller face for a label st cannot fit; may be nil
	bg        color.RGBA
	pad       int
}

func (b buttonBlock) bounds() image.Rectangle { return b.slot }

func (b buttonBlock) paint(c *canvas) {
	if b.bg != colBg {
		c.fill(b.slot, b.bg)
	}
	radius := float64(min(b.btn.Dy(), b.btn.Dx())) / 6
	fg := colOnFill
	switch b.kind {
	case btnConfirm:
		c.roundRect(b.btn, radius, colConfirm)
	case btnAccent:
		c.roundRect(b.btn, radius, colAccent)
	case btnPrimary:
		c.roundRect(b.btn, radius, colPrimary)
	case btnSecondary:
		c.outlineRect(b.btn, radius, 3, colInk, colBg)
		fg = colInk
	case btnLang:
		c.outlineRect(b.btn, radius, 2, colOnFill, b.bg)
	case btnPrev, btnNext:
		c.outlineRect(b.btn, radius, 3, colOnFill, b.bg)
		b.arrow(c)
		return
	}
	r := image.Rect(b.btn.Min.X+b.pad, b.btn.Min.Y, b.btn.Max.X-b.pad, b.btn.Max.Y)
	st := b.st
	if b.narrow != nil && st.measure(b.label) > r.Dx() {
		st = b.narrow
	}
	c.textIn(r, st, b.label, alignCenter, fg)
}

// arrow draws the page arrow as a triangle: the Go fonts have no arrow
// glyphs worth their size.
func (b buttonBlock) arrow(c *canvas) {
	cx, cy := float64(b.btn.Min.X+b.btn.Max.X)/2, float64(b.btn.Min.Y+b.btn.Max.Y)/2
	s := float64(b.btn.Dy()) / 5
	dir := 1.0
	if b.kind == btnPrev {
		dir = -1
	}
	c.gc.MoveTo(cx+dir*s, cy)
	c.gc.LineTo(cx-dir*s*0.7, cy-s)
	c.gc.LineTo(cx-dir*s*0.7, cy+s)
	c.gc.ClosePath()
	c.setColor(colOnFill)
	c.gc.Fill()
}

// totalBlock is the strip above the buttons: a hint on the left and the
// order total on the right, under a rule.
type totalBlock struct {
	r                   image.Rectangle
	hint, label, amount string
	small, body, big    *style
	pad                 int
}

func (b totalBlock) bounds() image.Rectangle { return b.r }

func (b totalBlock) paint(c *canvas) {
	c.fill(image.Rect(b.r.Min.X, b.r.Min.Y, b.r.Max.X, b.r.Min.Y+2), colInk)
	x0, x1 := b.r.Min.X+b.pad, b.r.Max.X-b.pad
	amtW := min(b.big.measure(b.amount), (x1-x0)*2/3)
	amtL := x1 - amtW
	labelL := amtL - b.pad - b.body.measure(b.label)
	y0, y1 := b.r.Min.Y+2, b.r.Max.Y
	c.textIn(image.Rect(amtL, y0, x1, y1), b.big, b.amount, alignRight, colInk)
	c.textIn(image.Rect(max(x0, labelL), y0, amtL-b.pad, y1), b.body, b.label, alignRight, colMuted)
	c.textIn(image.Rect(x0, y0, labelL-2*b.pad, y1), b.small, b.hint, alignLeft, colMuted)
}
