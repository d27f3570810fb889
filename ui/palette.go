package ui

import "image/color"

// The palette (read only) keeps text at a contrast ratio of at least 4.5:1 against
// its background (WCAG AA), white text on every filled button.
var (
	colBg        = color.RGBA{255, 255, 255, 255}
	colInk       = color.RGBA{17, 24, 39, 255}
	colMuted     = color.RGBA{75, 85, 99, 255}
	colRule      = color.RGBA{209, 213, 219, 255}
	colDesk      = color.RGBA{229, 231, 235, 255} // around a document's page
	colHeader    = color.RGBA{17, 24, 39, 255}
	colOnFill    = color.RGBA{255, 255, 255, 255}
	colMarkBg    = color.RGBA{254, 243, 199, 255}
	colAccent    = color.RGBA{180, 83, 9, 255}
	colConfirm   = color.RGBA{21, 128, 61, 255}
	colPrimary   = color.RGBA{29, 78, 216, 255}
	colDanger    = color.RGBA{185, 28, 28, 255}
	colBannerBg  = color.RGBA{219, 234, 254, 255}
	colBannerInk = color.RGBA{30, 58, 138, 255}
)
