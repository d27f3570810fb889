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

// BGRADrawer is a Display that also takes a frame as 32-bit pixels in
// memory order B, G, R, A (alpha 0xff): XRGB8888 on a little-endian CPU.
type BGRADrawer interface {
	// NativeBGRA reports whether the panel's memory holds such pixels, so
	// DrawBGRA is a plain copy of the damaged rows.
	NativeBGRA() bool
	// DrawBGRA is Draw for such a frame: pix holds the panel's pixels
	// from (0,0), rows stride bytes apart.
	DrawBGRA(pix []byte, stride int, damage []image.Rectangle) error
}

// Checker is a Display that can tell whether its panel still answers as
// it did when opened: the self-check a freshly updated firmware runs
// before its boot slot is committed.
type Checker interface {
	// Check asks the panel's driver for its mode again; an error says
	// what is missing or changed.
	Check() error
}
