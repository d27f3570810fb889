// Package display defines the terminal's screen as the firmware sees it: a
// panel of fixed size that takes finished pixels and the rectangles that
// changed. The framebuffer driver and the simulated twin implement it.
package display

import (
	"image"
)

// Display is a panel. Draw copies only the damaged rectangles of src (in
// panel coordinates; nil damage means all of it) to the panel. src has the
// panel's bounds.
type Display interface {
	String() string
	// Halt blanks the panel and releases it; the Display is inert after.
	Halt() error
	// Bounds is the panel's native pixel rectangle, origin (0,0).
	Bounds() image.Rectangle
	Draw(src *image.RGBA, damage []image.Rectangle) error
}
