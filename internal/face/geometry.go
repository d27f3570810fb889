package face

import "math"

// point is a position in frame pixels (pixel i covers [i, i+1)).
type point struct{ X, Y float64 }

func (p point) add(q point) point     { return point{p.X + q.X, p.Y + q.Y} }
func (p point) sub(q point) point     { return point{p.X - q.X, p.Y - q.Y} }
func (p point) scale(k float64) point { return point{p.X * k, p.Y * k} }
func (p point) dist(q point) float64  { return math.Hypot(p.X-q.X, p.Y-q.Y) }
func mid(p, q point) point            { return point{(p.X + q.X) / 2, (p.Y + q.Y) / 2} }

// eyeFrame expresses points in the face's own axes: origin between the
// pupils, x along the eye line (image left → right), y down, unit = the
// distance between the pupils. Rolling the head does not change a
// point's coordinates in it.
type eyeFrame struct {
	origin, ux, uy point
	unit           float64
}

func newEyeFrame(left, right point) eyeFrame {
	d := right.sub(left)
	u := math.Hypot(d.X, d.Y)
	if u == 0 {
		u = 1
	}
	ux := d.scale(1 / u)
	return eyeFrame{origin: mid(left, right), ux: ux, uy: point{-ux.Y, ux.X}, unit: u}
}

// in maps a frame point into face axes.
func (e eyeFrame) in(p point) point {
	d := p.sub(e.origin)
	return point{(d.X*e.ux.X + d.Y*e.ux.Y) / e.unit, (d.X*e.uy.X + d.Y*e.uy.Y) / e.unit}
}

// out maps face axes back to the frame.
func (e eyeFrame) out(p point) point {
	return e.origin.add(e.ux.scale(p.X * e.unit)).add(e.uy.scale(p.Y * e.unit))
}

// roll is the eye line's angle from level, in degrees.
func (e eyeFrame) roll() float64 { return math.Atan2(e.ux.Y, e.ux.X) * 180 / math.Pi }
