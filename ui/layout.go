package ui

import (
	"fmt"
	"image"
)

// Layout is the panel: its native size and how the upright screen the
// customer reads is turned onto it.
type Layout struct {
	W, H int // panel pixels in the framebuffer's own orientation
	// Rotation is how far, in degrees clockwise, the upright screen is
	// turned onto the panel: 0, 90, 180 or 270. At 90 the screen's top edge
	// lies along the panel's right edge: upright (x, y) is panel
	// (W-1-y, x), and the upright screen is H wide and W tall. At 270 the
	// top edge lies along the left edge: (x, y) is panel (y, H-1-x).
	Rotation int
}

// minSide keeps every screen's controls at least 48 px and readable.
const minSide = 320

func (l Layout) validate() error {
	switch l.Rotation {
	case 0, 90, 180, 270:
	default:
		return fmt.Errorf("ui: layout: rotation %d, want 0, 90, 180 or 270", l.Rotation)
	}
	if l.W < minSide || l.H < minSide || l.W > 8192 || l.H > 8192 {
		return fmt.Errorf("ui: layout: panel %d×%d, want each side in [%d, 8192]", l.W, l.H, minSide)
	}
	return nil
}

// logical is the upright screen's size.
func (l Layout) logical() image.Point {
	if l.Rotation == 90 || l.Rotation == 270 {
		return image.Pt(l.H, l.W)
	}
	return image.Pt(l.W, l.H)
}

// toPanel maps an upright rectangle to panel pixels.
func (l Layout) toPanel(r image.Rectangle) image.Rectangle {
	switch l.Rotation {
	case 90:
		return image.Rect(l.W-r.Max.Y, r.Min.X, l.W-r.Min.Y, r.Max.X)
	case 180:
		return image.Rect(l.W-r.Max.X, l.H-r.Max.Y, l.W-r.Min.X, l.H-r.Min.Y)
	case 270:
		return image.Rect(r.Min.Y, l.H-r.Max.X, r.Max.Y, l.H-r.Min.X)
	}
	return r
}

// fromPanel maps a panel pixel to the upright screen.
func (l Layout) fromPanel(p image.Point) image.Point {
	switch l.Rotation {
	case 90:
		return image.Pt(p.Y, l.W-1-p.X)
	case 180:
		return image.Pt(l.W-1-p.X, l.H-1-p.Y)
	case 270:
		return image.Pt(l.H-1-p.Y, p.X)
	}
	return p
}

// metrics are the sizes of one upright screen, in pixels, proportional
// to its shorter side u = min(w, h)/100 with floors that keep touch
// targets at 48 px and text legible on small panels.
type metrics struct {
	w, h     int
	portrait bool // item rows take two lines: label above, price below
	pad      int
	header   int // title bar
	banner   int // "corrected order" strip
	footer   int // total strip
	bar      int // button bar
	btnH     int // button height within the bar
	row      int // one order line
	sub      int // a discount under a line
	bigBtn   int // method choice buttons
	// font sizes in pixels
	title, body, small, big, huge float64
}

func newMetrics(size image.Point) metrics {
	u := float64(min(size.X, size.Y)) / 100
	at := func(k float64, floor int) int { return max(floor, int(k*u+0.5)) }
	atf := func(k, floor float64) float64 { return max(floor, k*u) }
	m := metrics{
		w: size.X, h: size.Y, portrait: size.X < size.Y,
		pad: at(1.5, 8), header: at(10, 56), banner: at(7, 48), footer: at(9, 48),
		bar: at(13, 64), row: at(7, 48), sub: at(4, 28), bigBtn: at(14, 64),
		title: atf(4.5, 22), body: atf(3.2, 18), small: atf(2.6, 15), big: atf(5, 24), huge: atf(9, 36),
	}
	if m.portrait {
		m.row = at(12, 72)
	}
	m.btnH = m.bar - 2*m.pad
	return m
}
