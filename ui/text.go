package ui

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// style is one size and weight of text: a face per font of the fallback
// chain, and the glyphs rasterized so far. A style belongs to one
// Renderer and is not safe for concurrent use.
type style struct {
	fonts     []*sfnt.Font
	faces     []font.Face
	buf       sfnt.Buffer
	px        int // nominal size in pixels
	ascent    int // pixels above the baseline
	descent   int // pixels below the baseline
	capHeight int // height of capitals, for centring a line in a box
	ascii     [128]*glyph
	other     map[rune]*glyph
}

// maxCached bounds the non-ASCII glyphs a style keeps: a POS sending
// every CJK ideograph must not exhaust memory. Past it the cache starts
// afresh; a screen uses far fewer.
const maxCached = 4096

// glyph is one rune rasterized at a whole-pixel pen position.
type glyph struct {
	mask   *image.Alpha // nil when the glyph has no ink (space)
	origin image.Point  // mask's top-left relative to the pen on the baseline
	adv    fixed.Int26_6
	face   int // index in the chain; the first face's missing-glyph box when no font has the rune
}

func newStyle(fonts []*sfnt.Font, px float64) (*style, error) {
	s := &style{fonts: fonts, px: int(px + 0.5), other: map[rune]*glyph{}}
	for _, f := range fonts {
		// Full hinting rounds advances to whole pixels, so every glyph
		// lands on a pixel boundary and one cached mask serves every
		// position.
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, fmt.Errorf("ui: font face: %w", err)
		}
		s.faces = append(s.faces, face)
	}
	m := s.faces[0].Metrics()
	s.ascent, s.descent = m.Ascent.Ceil(), m.Descent.Ceil()
	s.capHeight = m.CapHeight.Round()
	if s.capHeight <= 0 {
		s.capHeight = s.ascent * 7 / 10
	}
	return s, nil
}

// glyph returns r's cached glyph, rasterizing it on first use with the
// first face of the chain that has it. Control characters draw as spaces.
func (s *style) glyph(r rune) *glyph {
	if r >= 0 && r < 128 {
		if g := s.ascii[r]; g != nil {
			return g
		}
	} else if g, ok := s.other[r]; ok {
		return g
	}
	g := s.rasterize(r)
	if r >= 0 && r < 128 {
		s.ascii[r] = g
	} else {
		if len(s.other) >= maxCached {
			clear(s.other)
		}
		s.other[r] = g
	}
	return g
}

func (s *style) rasterize(r rune) *glyph {
	if unicode.IsControl(r) || r == utf8.RuneError {
		r = ' '
	}
	face := 0
	for i, f := range s.fonts {
		if x, err := f.GlyphIndex(&s.buf, r); err == nil && x != 0 {
			face = i
			break
		}
	}
	// With no font having r, face 0 draws its missing-glyph box.
	dr, mask, mp, adv, _ := s.faces[face].Glyph(fixed.Point26_6{}, r)
	g := &glyph{origin: dr.Min, adv: adv, face: face}
	if a, ok := mask.(*image.Alpha); ok && !dr.Empty() && hasInk(a, mp, dr.Size()) {
		// The face reuses its mask buffer: keep a copy.
		c := image.NewAlpha(image.Rectangle{Max: dr.Size()})
		for y := 0; y < dr.Dy(); y++ {
			src := a.Pix[a.PixOffset(mp.X, mp.Y+y):]
			copy(c.Pix[y*c.Stride:(y+1)*c.Stride], src[:dr.Dx()])
		}
		g.mask = c
	}
	return g
}

func hasInk(a *image.Alpha, mp, size image.Point) bool {
	for y := 0; y < size.Y; y++ {
		off := a.PixOffset(mp.X, mp.Y+y)
		for _, v := range a.Pix[off : off+size.X] {
			if v != 0 {
				return true
			}
		}
	}
	return false
}

// measure is the advance width of str in pixels.
func (s *style) measure(str string) int {
	var w fixed.Int26_6
	for _, r := range str {
		w += s.glyph(r).adv
	}
	return w.Ceil()
}

// ink is the rectangle the glyphs of str cover when drawn with the pen
// at pen (on the baseline), exactly as glyphText draws them; empty when
// nothing has ink.
func (s *style) ink(str string, pen image.Point) image.Rectangle {
	var r image.Rectangle
	x := fixed.I(pen.X)
	for _, c := range str {
		g := s.glyph(c)
		if g.mask != nil {
			min := image.Pt(x.Round()+g.origin.X, pen.Y+g.origin.Y)
			r = r.Union(image.Rectangle{Min: min, Max: min.Add(g.mask.Rect.Max)})
		}
		x += g.adv
	}
	return r
}

// ellipsis ends text cut to fit.
const ellipsis = "…"

// ellipsize returns str, or its longest prefix followed by an ellipsis,
// no wider than max pixels. With no room even for the ellipsis it
// returns "".
func (s *style) ellipsize(str string, max int) string {
	if s.measure(str) <= max {
		return str
	}
	limit := fixed.I(max) - s.glyph('…').adv
	if limit < 0 {
		return ""
	}
	var w fixed.Int26_6
	for i, r := range str {
		w += s.glyph(r).adv
		if w > limit {
			return strings.TrimRight(str[:i], " ") + ellipsis
		}
	}
	return str
}

// wrap breaks str into at most maxLines lines no wider than max pixels,
// at spaces where it can and between any two runes where it must (CJK
// has no spaces); the last line is ellipsized when text remains.
func (s *style) wrap(str string, max, maxLines int) []string {
	var lines []string
	rest := strings.Join(strings.Fields(str), " ")
	for rest != "" && len(lines) < maxLines {
		if len(lines) == maxLines-1 {
			lines = append(lines, s.ellipsize(rest, max))
			break
		}
		cut := s.fit(rest, max)
		lines = append(lines, strings.TrimRight(rest[:cut], " "))
		rest = strings.TrimLeft(rest[cut:], " ")
	}
	return lines
}

// fit is the byte length of the longest head of str that fits in max
// pixels, ending at a space when there is one; at least one rune.
func (s *style) fit(str string, max int) int {
	var w fixed.Int26_6
	lastSpace := -1
	for i, r := range str {
		w += s.glyph(r).adv
		if w > fixed.I(max) {
			if lastSpace > 0 {
				return lastSpace
			}
			if i == 0 {
				_, n := utf8.DecodeRuneInString(str)
				return n
			}
			return i
		}
		if r == ' ' {
			lastSpace = i
		}
	}
	return len(str)
}

// textDrawer puts one line of text on dst, the pen starting at the
// baseline's left end, clipped to clip. The renderer's own is glyphText;
// benchmarks swap in gg's DrawString over the same layout.
type textDrawer interface {
	drawText(dst *image.RGBA, clip image.Rectangle, st *style, str string, pen image.Point, c color.RGBA)
}

// glyphText draws cached glyph masks straight onto the image, in its
// own byte order (maskOver).
type glyphText struct{ tabs blendTabs }

func (t *glyphText) drawText(dst *image.RGBA, clip image.Rectangle, st *style, str string, pen image.Point, c color.RGBA) {
	clip = clip.Intersect(dst.Rect)
	x := fixed.I(pen.X)
	for _, r := range str {
		g := st.glyph(r)
		if g.mask != nil {
			min := image.Pt(x.Round()+g.origin.X, pen.Y+g.origin.Y)
			dr := image.Rectangle{Min: min, Max: min.Add(g.mask.Rect.Max)}
			if cr := dr.Intersect(clip); !cr.Empty() {
				maskOver(dst, cr, g.mask, cr.Min.Sub(min), c, &t.tabs)
			}
		}
		x += g.adv
	}
}
