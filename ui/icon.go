package ui

import (
	"image"
	"math"
)

// iconKind is a pictogram on a status screen.
type iconKind int

const (
	iconCheck iconKind = iota // paid
	iconCross                 // failed
	iconAlert                 // refused
	iconWait                  // processing, flagged
	iconCode                  // show your payment code
	iconFace                  // look at the camera
)

// iconBlock draws a pictogram centred in its bounds, with gg.
type iconBlock struct {
	r    image.Rectangle
	kind iconKind
}

func (b iconBlock) bounds() image.Rectangle { return b.r }

func (b iconBlock) paint(c *canvas) {
	gc := c.gc
	cx, cy := float64(b.r.Min.X+b.r.Max.X)/2, float64(b.r.Min.Y+b.r.Max.Y)/2
	rad := float64(min(b.r.Dx(), b.r.Dy()))/2 - 2
	w := max(3, rad/7)
	gc.SetLineWidth(w)
	gc.SetLineCapRound()
	gc.SetLineJoinRound()
	switch b.kind {
	case iconCheck, iconCross, iconAlert:
		fill := colConfirm
		switch b.kind {
		case iconCross:
			fill = colDanger
		case iconAlert:
			fill = colAccent
		}
		gc.DrawCircle(cx, cy, rad)
		c.setColor(fill)
		gc.Fill()
		c.setColor(colOnFill)
		s := rad * 0.45
		switch b.kind {
		case iconCheck:
			gc.MoveTo(cx-s, cy)
			gc.LineTo(cx-s*0.25, cy+s*0.7)
			gc.LineTo(cx+s, cy-s*0.6)
			gc.Stroke()
		case iconCross:
			gc.DrawLine(cx-s, cy-s, cx+s, cy+s)
			gc.Stroke()
			gc.DrawLine(cx+s, cy-s, cx-s, cy+s)
			gc.Stroke()
		case iconAlert:
			gc.DrawLine(cx, cy-s*1.1, cx, cy+s*0.3)
			gc.Stroke()
			gc.DrawCircle(cx, cy+s*0.85, w*0.7)
			gc.Fill()
		}
	case iconWait:
		c.setColor(colRule)
		gc.DrawCircle(cx, cy, rad-w)
		gc.Stroke()
		c.setColor(colPrimary)
		gc.DrawArc(cx, cy, rad-w, -math.Pi/2, math.Pi/3)
		gc.Stroke()
	case iconCode:
		// Three finder squares of a 2-D code and a few modules.
		s := rad * 1.4
		x0, y0 := cx-s/2, cy-s/2
		m := s / 7
		c.setColor(colInk)
		for _, p := range [][2]float64{{0, 0}, {4, 0}, {0, 4}} {
			gc.DrawRectangle(x0+p[0]*m+w/2, y0+p[1]*m+w/2, 3*m-w, 3*m-w)
			gc.Stroke()
		}
		for _, p := range [][2]float64{{4.5, 4.5}, {6, 5}, {5, 6}, {4, 6}, {6, 4}} {
			gc.DrawRectangle(x0+p[0]*m, y0+p[1]*m, m*0.8, m*0.8)
			gc.Fill()
		}
	case iconFace:
		c.setColor(colPrimary)
		gc.DrawEllipse(cx, cy, rad*0.72, rad-w)
		gc.Stroke()
		c.setColor(colInk)
		gc.DrawCircle(cx-rad*0.25, cy-rad*0.15, w*0.8)
		gc.Fill()
		gc.DrawCircle(cx+rad*0.25, cy-rad*0.15, w*0.8)
		gc.Fill()
		gc.DrawArc(cx, cy+rad*0.15, rad*0.3, math.Pi*0.2, math.Pi*0.8)
		gc.Stroke()
	}
}
