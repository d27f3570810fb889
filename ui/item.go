package ui

import (
	"image"
	"image/color"
)

// itemBlock is one order line (with its discount, if any) or an order
// discount. Landscape puts label, quantity × price and amount on one row;
// portrait puts the label on top and the prices beneath.
type itemBlock struct {
	r                  image.Rectangle
	row                int  // height of the line's own row; a discount row follows
	markable           bool // a line (with a mark box), not an order discount
	marked             bool
	portrait           bool
	label, qty, amount string
	discLabel, discAmt string
	pad, amtW, qtyW    int
	body, bold, small  *style
}

func (b itemBlock) bounds() image.Rectangle { return b.r }

func (b itemBlock) paint(c *canvas) {
	bg := colBg
	if b.marked {
		bg = colMarkBg
		c.fill(b.r, bg)
	}
	c.fill(image.Rect(b.r.Min.X, b.r.Max.Y-1, b.r.Max.X, b.r.Max.Y), colRule)

	x0, x1, y0 := b.r.Min.X+b.pad, b.r.Max.X-b.pad, b.r.Min.Y
	labelX := x0
	if b.markable {
		box := min(b.row-2*b.pad, int(float64(b.body.px)*1.3))
		top := y0 + (b.row-box)/2
		b.markBox(c, image.Rect(x0, top, x0+box, top+box), bg)
		labelX = x0 + box + b.pad
	}
	amtL := x1 - b.amtW
	qtyL := amtL - b.pad - b.qtyW
	if b.portrait {
		top, half, bot := y0+b.pad/2, y0+b.row/2, y0+b.row-b.pad/2
		c.textIn(image.Rect(labelX, top, x1, half), b.body, b.label, alignLeft, colInk)
		c.textIn(image.Rect(labelX, half, amtL-b.pad, bot), b.small, b.qty, alignLeft, colMuted)
		c.textIn(image.Rect(amtL, half, x1, bot), b.bold, b.amount, alignRight, colInk)
	} else {
		c.textIn(image.Rect(labelX, y0, qtyL-b.pad, y0+b.row), b.body, b.label, alignLeft, colInk)
		c.textIn(image.Rect(qtyL, y0, amtL-b.pad, y0+b.row), b.small, b.qty, alignRight, colMuted)
		c.textIn(image.Rect(amtL, y0, x1, y0+b.row), b.bold, b.amount, alignRight, colInk)
	}
	if b.discLabel != "" || b.discAmt != "" {
		sub := image.Rect(labelX, y0+b.row, x1, b.r.Max.Y-1)
		if !b.markable {
			sub = image.Rect(labelX, y0, x1, b.r.Max.Y-1)
		}
		c.textIn(image.Rect(sub.Min.X, sub.Min.Y, amtL-b.pad, sub.Max.Y), b.small, b.discLabel, alignLeft, colMuted)
		c.textIn(image.Rect(amtL, sub.Min.Y, x1, sub.Max.Y), b.small, b.discAmt, alignRight, colConfirm)
	}
}

// markBox is empty when the line is fine and a filled box with a cross
// when the customer marked it as wrong.
func (b itemBlock) markBox(c *canvas, r image.Rectangle, bg color.RGBA) {
	radius := float64(r.Dx()) / 6
	if !b.marked {
		c.outlineRect(r, radius, 3, colMuted, bg)
		return
	}
	c.roundRect(r, radius, colAccent)
	in := float64(r.Dx()) / 4
	x0, y0 := float64(r.Min.X)+in, float64(r.Min.Y)+in
	x1, y1 := float64(r.Max.X)-in, float64(r.Max.Y)-in
	c.setColor(colOnFill)
	c.gc.SetLineWidth(max(3, float64(r.Dx())/9))
	c.gc.SetLineCapRound()
	c.gc.DrawLine(x0, y0, x1, y1)
	c.gc.Stroke()
	c.gc.DrawLine(x1, y0, x0, y1)
	c.gc.Stroke()
}
