// Package ui draws the terminal's screens as pure functions of a
// checkout.View into an image, and turns touches back into checkout.Touch
// actions.
//
// A Renderer owns one image the size of the panel (its native
// orientation). Render draws a view and returns the rectangles that
// changed since the previous Render, so the display driver copies only
// those. Points and rectangles in this package's API are panel pixels,
// the framebuffer's coordinates; the Layout's Rotation maps the upright
// (logical) screen onto the panel.
//
// Text goes through a glyph cache onto the image directly; gg draws the
// shapes. Runes the Go fonts lack (CJK labels) fall back, rune by rune,
// to the extra fonts in Fonts.
//
// ui imports no drivers and does no I/O apart from reading font files in
// LoadFonts and writing PNG in (*Renderer).PNG.
package ui
