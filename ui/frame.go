package ui

import (
	"image"
	"image/color"
	"strings"

	"payterm/firmware/checkout"
	"payterm/ui/catalog"
)

// Button is a touch target on the current screen.
type Button struct {
	Action checkout.Action
	Line   string // ActToggleLine: the line's ID
	Page   int    // ActPage: zero-based page it shows
	Digit  int    // ActDigit: the key's digit
	// Language is ActLanguage's tag: the language the button switches to.
	Language string
	Label    string          // what it says; a line row's label
	Rect     image.Rectangle // panel pixels
}

// frame is one screen: blocks to paint, in upright coordinates, and the
// touch targets on them.
type frame struct {
	screen  checkout.Screen
	blocks  []block
	buttons []Button // Rect in upright coordinates
	// doc is where a document page lies on ScreenDocument, for drags.
	doc docPlace
}

// styles are the text sizes of one Renderer.
type styles struct {
	title, body, bold, small, smallBold, big, huge *style
}

// builder lays out one frame from a view.
type builder struct {
	m   metrics
	st  *styles
	f   frame
	c   catalog.Catalog // the view's language
	pic *preview        // the face screen's camera picture, painted by previewBlock
	// right is where the title bar's own content ends: the language
	// button sits beyond it, at the top right of every customer screen.
	right int
	// cut lists the texts wrap had to shorten with an ellipsis, for the
	// fit tests; dropped the stack rows that did not fit at all.
	cut, dropped []string
	pages        PageSource
	// update is the software download shown on the idle screen.
	update UpdateProgress
}

func (b *builder) add(bl block) { b.f.blocks = append(b.f.blocks, bl) }

func (b *builder) target(r image.Rectangle, act checkout.Action, line string, page int, label string) {
	b.f.buttons = append(b.f.buttons, Button{Action: act, Line: line, Page: page, Label: label, Rect: r})
}

// header is the title bar across the top, up to x = right.
func (b *builder) header(title string, right int) {
	st := fitStyle(title, right-2*b.m.pad, b.st.title, b.st.bold, b.st.smallBold)
	b.add(textBlock{r: image.Rect(0, 0, right, b.m.header), st: st, s: title,
		fg: colOnFill, bg: colHeader, inset: b.m.pad})
}

// fitStyle is the first of styles (largest first) in which s fits in
// width pixels, else the last: our own words shrink before they would be
// shortened.
func fitStyle(s string, width int, styles ...*style) *style {
	for _, st := range styles[:len(styles)-1] {
		if st.measure(s) <= width {
			return st
		}
	}
	return styles[len(styles)-1]
}

// languageButton puts the switch to the next language at the right end
// of the title bar, labelled with that language's own name ("中文" on an
// English screen), and moves b.right to its left.
func (b *builder) languageButton() {
	m := b.m
	next := catalog.For(b.c.Next())
	label := next.T(wLanguageName)
	bh := m.header - 8
	bw := max(bh*7/5, b.st.smallBold.measure(label)+2*m.pad)
	slot := image.Rect(m.w-bw-2*m.pad, 0, m.w, m.header)
	btn := image.Rect(slot.Min.X+m.pad, 4, slot.Max.X-m.pad, 4+bh)
	b.add(buttonBlock{slot: slot, btn: btn, kind: btnLang, label: label, st: b.st.smallBold, bg: colHeader, pad: m.pad})
	b.f.buttons = append(b.f.buttons, Button{Action: checkout.ActLanguage, Language: next.Tag(), Label: label, Rect: btn})
	b.right = slot.Min.X
}

// slot is one place in the bottom button bar; frac is its share of the
// width. A slot not shown stays empty, so the others never move.
type slot struct {
	frac  float64
	kind  btnKind
	label string
	act   checkout.Action
	show  bool
}

// bar lays out the bottom button bar.
func (b *builder) bar(slots ...slot) {
	m := b.m
	y0 := m.h - m.bar + m.pad
	avail := m.w - 2*m.pad - (len(slots)-1)*m.pad
	x := m.pad
	for i, s := range slots {
		w := int(float64(avail)*s.frac + 0.5)
		if i == len(slots)-1 {
			w = m.w - m.pad - x
		}
		r := image.Rect(x, y0, x+w, y0+m.btnH)
		x += w + m.pad
		if !s.show {
			continue
		}
		b.button(r, s.kind, s.label, s.act, b.st.bold)
	}
}

func (b *builder) button(r image.Rectangle, kind btnKind, label string, act checkout.Action, st *style) {
	b.add(buttonBlock{slot: r, btn: r, kind: kind, label: label, st: st, narrow: b.st.smallBold, bg: colBg, pad: b.m.pad})
	b.target(r, act, "", 0, label)
}

// stackItem is one row of a vertically centred stack; place adds its
// blocks in the row's rectangle.
type stackItem struct {
	h     int
	icon  bool   // dropped first when the stack does not fit
	text  string // what a text row says, for the fit tests
	place func(r image.Rectangle)
}

// stack centres items vertically between top and bottom, full width less
// padding. Items that do not fit are dropped: icons first, then from the
// end.
func (b *builder) stack(top, bottom int, items ...stackItem) {
	total := func() int {
		t := 0
		for _, it := range items {
			t += it.h
		}
		return t
	}
	for total() > bottom-top && len(items) > 0 {
		drop := len(items) - 1
		for i, it := range items {
			if it.icon {
				drop = i
				break
			}
		}
		if items[drop].text != "" {
			b.dropped = append(b.dropped, items[drop].text)
		}
		items = append(items[:drop:drop], items[drop+1:]...)
	}
	y := top + (bottom-top-total())/2
	for _, it := range items {
		it.place(image.Rect(b.m.pad, y, b.m.w-b.m.pad, y+it.h))
		y += it.h
	}
}

func lineHeight(st *style) int { return (st.ascent + st.descent) * 5 / 4 }

func (b *builder) textLine(st *style, s string, fg color.RGBA) stackItem {
	return stackItem{h: lineHeight(st), text: s, place: func(r image.Rectangle) {
		b.add(textBlock{r: r, st: st, s: s, a: alignCenter, fg: fg, bg: colBg})
	}}
}

// wrapped is s broken into at most maxLines centred lines.
func (b *builder) wrapped(st *style, s string, maxLines int, fg color.RGBA) []stackItem {
	var items []stackItem
	lines := st.wrap(s, b.m.w-2*b.m.pad, maxLines)
	if n := len(lines); n > 0 && strings.HasSuffix(lines[n-1], ellipsis) && !strings.HasSuffix(s, ellipsis) {
		b.cut = append(b.cut, s)
	}
	for _, l := range lines {
		items = append(items, b.textLine(st, l, fg))
	}
	return items
}

func (b *builder) icon(kind iconKind) stackItem {
	side := max(48, (b.m.h-b.m.header-b.m.bar)/4)
	return stackItem{h: side + b.m.pad, icon: true, place: func(r image.Rectangle) {
		b.add(iconBlock{r: r, kind: kind})
	}}
}

func (b *builder) gap() stackItem {
	return stackItem{h: b.m.pad, place: func(image.Rectangle) {}}
}
