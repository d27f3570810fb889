package ui

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"payterm/firmware/checkout"
)

func goOnly(t testing.TB) *Fonts {
	t.Helper()
	f, err := LoadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func testStyle(t testing.TB, f *Fonts, px float64) *style {
	t.Helper()
	st, err := newStyle(f.chain(false), px)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func drawLine(st *style, s string) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 400, 60))
	draw.Draw(img, img.Rect, image.NewUniform(colBg), image.Point{}, draw.Src)
	(&glyphText{}).drawText(img, img.Rect, st, s, image.Pt(4, 44), colInk)
	return img
}

func ink(img *image.RGBA) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 255 {
			n++
		}
	}
	return n
}

func samePixels(a, b *image.RGBA) bool { return string(a.Pix) == string(b.Pix) }

// missing are runes no font has (Unicode plane 15, private use): every
// font draws its missing-glyph box for them.
const missing = "\U000F0000\U000F0001"

func TestCJKLabelDrawsGlyphs(t *testing.T) {
	plain := testStyle(t, goOnly(t), 32)
	// The comparison can tell tofu: with the Go fonts alone a CJK label is
	// the same boxes as runes no font has.
	if !samePixels(drawLine(plain, "寿司"), drawLine(plain, missing)) {
		t.Fatal("Go fonts alone: CJK label differs from missing-glyph boxes; the tofu comparison below is meaningless")
	}

	fonts := cjkFonts(t)
	st := testStyle(t, fonts, 32)
	cjk := drawLine(st, "寿司")
	if ink(cjk) < 100 {
		t.Errorf("CJK label drew %d pixels, want glyphs", ink(cjk))
	}
	if samePixels(cjk, drawLine(st, missing)) {
		t.Error("CJK label drawn as missing-glyph boxes")
	}
	if samePixels(drawLine(st, "寿司"), drawLine(st, "弁当")) {
		t.Error("different CJK labels drew the same pixels")
	}
	if g := st.glyph('寿'); g.face == 0 {
		t.Error("'寿' taken from the Go font, want a fallback")
	}
	if g := st.glyph('A'); g.face != 0 {
		t.Error("'A' taken from a fallback, want the Go font")
	}
}

func TestCJKOnOrderScreen(t *testing.T) {
	fonts := cjkFonts(t)
	o := testOrder(4, true) // L1 is CJK
	v := checkout.View{Screen: checkout.ScreenOrder, Order: o}
	with := newTestRenderer(t, layouts[0].l, fonts)
	without := newTestRenderer(t, layouts[0].l, nil)
	a, _ := with.Render(v)
	b, _ := without.Render(v)
	row := rowsByLine(with)["L1"]
	if sub(a, row) == sub(b, row) {
		t.Error("CJK row looks the same with and without CJK fonts")
	}
	row = rowsByLine(with)["L2"]
	if sub(a, row) != sub(b, row) {
		t.Error("Latin row changed with CJK fonts loaded")
	}
}

func sub(img *image.RGBA, r image.Rectangle) string {
	var b strings.Builder
	for y := r.Min.Y; y < r.Max.Y; y++ {
		b.Write(img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)])
	}
	return b.String()
}

func TestEllipsize(t *testing.T) {
	st := testStyle(t, goOnly(t), 20)
	long := "A very long product label that cannot possibly fit"
	for _, max := range []int{400, 200, 60} {
		got := st.ellipsize(long, max)
		if w := st.measure(got); w > max {
			t.Errorf("ellipsize(%d) = %q, %d px wide", max, got, w)
		}
		if !strings.HasSuffix(got, ellipsis) || !strings.HasPrefix(long, strings.TrimSuffix(got, ellipsis)) {
			t.Errorf("ellipsize(%d) = %q, want a prefix and an ellipsis", max, got)
		}
	}
	if got := st.ellipsize("Tea", 400); got != "Tea" {
		t.Errorf("short label changed to %q", got)
	}
	if got := st.ellipsize(long, 2); got != "" {
		t.Errorf("no room: %q, want empty", got)
	}
	if got := st.ellipsize(strings.Repeat("bad \xff\x00 bytes ", 20), 100); st.measure(got) > 100 {
		t.Errorf("invalid UTF-8 ellipsized to %q, %d px", got, st.measure(got))
	}
}

func TestWrap(t *testing.T) {
	st := testStyle(t, goOnly(t), 20)
	s := "The payment code has expired. Please refresh it and try again."
	lines := st.wrap(s, 200, 10)
	if len(lines) < 2 || strings.Join(lines, " ") != s {
		t.Errorf("wrap = %q, want %q in several lines", lines, s)
	}
	for _, l := range lines {
		if st.measure(l) > 200 {
			t.Errorf("line %q is %d px wide, want ≤ 200", l, st.measure(l))
		}
	}
	// No spaces (CJK): broken between runes.
	cjk := strings.Repeat("寿司", 20)
	lines = st.wrap(cjk, 200, 10)
	if len(lines) < 2 || strings.Join(lines, "") != cjk {
		t.Errorf("CJK wrap = %q", lines)
	}
	// Line limit: the last line ends in an ellipsis.
	lines = st.wrap(s, 120, 2)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], ellipsis) {
		t.Errorf("wrap to 2 lines = %q, want the second ellipsized", lines)
	}
	// A rune wider than the line still makes progress.
	if lines := st.wrap("WWW", 1, 5); len(lines) != 3 {
		t.Errorf("wrap into 1 px = %q, want a rune per line", lines)
	}
}

func TestControlCharactersDrawAsSpace(t *testing.T) {
	st := testStyle(t, goOnly(t), 20)
	if !samePixels(drawLine(st, "a\tb\nc"), drawLine(st, "a b c")) {
		t.Error("control characters drew something other than spaces")
	}
}

func TestGlyphCacheIsBounded(t *testing.T) {
	st := testStyle(t, goOnly(t), 12)
	for r := rune(0x4E00); r < 0x4E00+maxCached+500; r++ {
		st.glyph(r)
	}
	if n := len(st.other); n > maxCached {
		t.Errorf("%d glyphs cached, want ≤ %d", n, maxCached)
	}
	if st.glyph(0x4E00) == nil {
		t.Error("evicted glyph not rasterized again")
	}
}
