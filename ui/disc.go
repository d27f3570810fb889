package ui

import "image"

// discCache holds antialiased discs by radius: their quadrants are the
// corners of rounded rectangles. A screen uses a handful of radii.
type discCache map[int]*image.Alpha

// maxDiscs bounds the cache; past it, it starts afresh.
const maxDiscs = 64

// get is the disc of radius rad (pixels, > 0) in a 2rad × 2rad mask, its
// centre on the corner where the four quadrants meet.
func (dc *discCache) get(rad int) *image.Alpha {
	if d, ok := (*dc)[rad]; ok {
		return d
	}
	if *dc == nil || len(*dc) >= maxDiscs {
		*dc = discCache{}
	}
	d := disc(rad)
	(*dc)[rad] = d
	return d
}

// discSamples is the side of the grid of samples each pixel's coverage is
// measured on: 16×16 gives 256 levels, as many as the mask holds.
const discSamples = 16

// disc measures, for each pixel of a 2rad square, the share of it inside
// the circle of radius rad about the square's centre.
func disc(rad int) *image.Alpha {
	n := 2 * rad
	m := image.NewAlpha(image.Rect(0, 0, n, n))
	r2 := int64(rad) * int64(rad) * 4 * discSamples * discSamples
	// Coordinates in units of 1/(2·discSamples) pixel, so sample centres
	// are odd integers and the test is exact.
	c := int64(n * discSamples)
	for y := 0; y < rad; y++ {
		for x := 0; x < rad; x++ {
			in := 0
			for sy := 0; sy < discSamples; sy++ {
				dy := int64(2*(y*discSamples+sy)+1) - c
				for sx := 0; sx < discSamples; sx++ {
					dx := int64(2*(x*discSamples+sx)+1) - c
					if dx*dx+dy*dy <= r2 {
						in++
					}
				}
			}
			a := uint8((in*255 + discSamples*discSamples/2) / (discSamples * discSamples))
			// The four quadrants mirror the first.
			for _, p := range [4]image.Point{{x, y}, {n - 1 - x, y}, {x, n - 1 - y}, {n - 1 - x, n - 1 - y}} {
				m.Pix[m.PixOffset(p.X, p.Y)] = a
			}
		}
	}
	return m
}
