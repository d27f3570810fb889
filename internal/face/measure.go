package face

import "image"

// brightness is the mean luma of r (clipped to g) and the share of its
// pixels at 250 or above, sampling every other pixel.
func brightness(g grayView, r image.Rectangle) (mean, clipped float64) {
	r = r.Intersect(image.Rect(0, 0, g.cols, g.rows))
	var sum, n, hi int
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		row := g.pix[y*g.dim:]
		for x := r.Min.X; x < r.Max.X; x += 2 {
			v := int(row[x])
			sum += v
			n++
			if v >= 250 {
				hi++
			}
		}
	}
	if n == 0 {
		return 0, 0
	}
	return float64(sum) / float64(n), float64(hi) / float64(n)
}

// sharpness is the variance of the 4-neighbour Laplacian over r,
// divided by the variance of the luma there: focus blur and motion blur
// take away fine detail (the Laplacian) much more than contrast, and
// the ratio does not fall just because the light is dim.
func sharpness(g grayView, r image.Rectangle) float64 {
	r = r.Intersect(image.Rect(1, 1, g.cols-1, g.rows-1))
	var s, s2, l, l2, n float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.pix[y*g.dim:]
		up := g.pix[(y-1)*g.dim:]
		dn := g.pix[(y+1)*g.dim:]
		for x := r.Min.X; x < r.Max.X; x++ {
			v := float64(row[x])
			lap := float64(int(up[x])+int(dn[x])+int(row[x-1])+int(row[x+1])) - 4*v
			s += v
			s2 += v * v
			l += lap
			l2 += lap * lap
			n++
		}
	}
	if n < 2 {
		return 0
	}
	vi := s2/n - (s/n)*(s/n)
	vl := l2/n - (l/n)*(l/n)
	if vi < 1 {
		return 0
	}
	return vl / vi
}

// content is the part of the frame inside uniform bars at its edges
// (a photo letterboxed on a phone or in a frame shows such bars): rows
// and columns from each edge whose samples all lie within a few levels
// of each other. A bar is never taken to be more than 40 % of a side,
// so a plain wall behind the customer does not swallow the frame.
func content(g grayView) image.Rectangle {
	const tol = 6
	uniformCol := func(x int) bool {
		lo, hi := g.pix[x], g.pix[x]
		for y := 0; y < g.rows; y += 2 {
			v := g.pix[y*g.dim+x]
			lo, hi = min(lo, v), max(hi, v)
		}
		return hi-lo <= tol
	}
	uniformRow := func(y int) bool {
		row := g.pix[y*g.dim : y*g.dim+g.cols]
		lo, hi := row[0], row[0]
		for x := 0; x < g.cols; x += 2 {
			lo, hi = min(lo, row[x]), max(hi, row[x])
		}
		return hi-lo <= tol
	}
	r := image.Rect(0, 0, g.cols, g.rows)
	if g.cols == 0 || g.rows == 0 {
		return r
	}
	for r.Min.X < g.cols*2/5 && uniformCol(r.Min.X) {
		r.Min.X++
	}
	for r.Max.X > g.cols*3/5 && uniformCol(r.Max.X-1) {
		r.Max.X--
	}
	for r.Min.Y < g.rows*2/5 && uniformRow(r.Min.Y) {
		r.Min.Y++
	}
	for r.Max.Y > g.rows*3/5 && uniformRow(r.Max.Y-1) {
		r.Max.Y--
	}
	return r
}
