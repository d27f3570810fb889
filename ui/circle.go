package ui

import (
	"image"
	"math"
	"slices"

	"payterm/firmware/checkout"
)

// Circled turns a finger stroke (panel pixels, in the order drawn) into
// a touch. A stroke shorter than a line row's height is a tap at its
// first point. Otherwise the stroke, closed from its last point back to
// its first, marks every line whose row's centre line passes through the
// enclosed area: ActMarkLines with those lines in screen order. False
// when nothing is hit or enclosed.
func (r *Renderer) Circled(stroke []image.Point) (checkout.Touch, bool) {
	if r.cur == nil || len(stroke) == 0 {
		return checkout.Touch{}, false
	}
	poly := make([]image.Point, len(stroke))
	length := 0.0
	for i, p := range stroke {
		poly[i] = r.layout.fromPanel(p)
		if i > 0 {
			length += math.Hypot(float64(poly[i].X-poly[i-1].X), float64(poly[i].Y-poly[i-1].Y))
		}
	}
	if length < float64(r.build.m.row) {
		return r.Hit(stroke[0])
	}
	var lines []string
	for _, b := range r.cur.buttons {
		if b.Action != checkout.ActToggleLine || slices.Contains(lines, b.Line) {
			continue
		}
		if crossesInside(poly, b.Rect) {
			lines = append(lines, b.Line)
		}
	}
	if len(lines) == 0 {
		return checkout.Touch{}, false
	}
	return checkout.Touch{Action: checkout.ActMarkLines, Lines: lines}, true
}

// crossesInside reports whether the horizontal centre line of row has a
// stretch inside the closed polygon (even-odd rule). A loose circle around
// a line's label counts, though it misses the row's centre point.
func crossesInside(poly []image.Point, row image.Rectangle) bool {
	// Half a pixel off the grid, so no vertex lies on the scan line.
	y := float64(row.Min.Y+row.Max.Y)/2 + 0.5
	var xs []float64
	for i, a := range poly {
		b := poly[(i+1)%len(poly)]
		ay, by := float64(a.Y), float64(b.Y)
		if (ay < y) == (by < y) {
			continue
		}
		t := (y - ay) / (by - ay)
		xs = append(xs, float64(a.X)+t*float64(b.X-a.X))
	}
	slices.Sort(xs)
	for i := 0; i+1 < len(xs); i += 2 {
		if xs[i] < float64(row.Max.X) && xs[i+1] > float64(row.Min.X) {
			return true
		}
	}
	return false
}
