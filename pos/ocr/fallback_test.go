package ocr_test

import (
	"image"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// fallbackFace draws each rune with the first face that has it, as a
// toolkit's font fallback does (Droid Sans Fallback has no Latin).
type fallbackFace []font.Face

func (f fallbackFace) pick(r rune) font.Face {
	for _, face := range f {
		if _, ok := face.GlyphAdvance(r); ok {
			return face
		}
	}
	return f[0]
}

func (f fallbackFace) Close() error { return nil }

func (f fallbackFace) Glyph(dot fixed.Point26_6, r rune) (image.Rectangle, image.Image, image.Point, fixed.Int26_6, bool) {
	return f.pick(r).Glyph(dot, r)
}

func (f fallbackFace) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	return f.pick(r).GlyphBounds(r)
}

func (f fallbackFace) GlyphAdvance(r rune) (fixed.Int26_6, bool) { return f.pick(r).GlyphAdvance(r) }

func (f fallbackFace) Kern(r0, r1 rune) fixed.Int26_6 { return 0 }

func (f fallbackFace) Metrics() font.Metrics { return f[0].Metrics() }
