package ui

import (
	"image"

	"payterm/firmware/checkout"
)

// PageSource draws the pages of the POS's documents; the firmware
// implements it with MuPDF, so the ui itself needs no cgo. Page returns
// page (zero-based) of document id, width pixels wide and as tall as the
// page's proportions make it, in RGBA. The image is the source's: the ui
// only reads it, and a source returns the same image for the same
// arguments until the document changes (the ui compares pointers to find
// what to redraw).
type PageSource interface {
	Page(id string, page, width int) (*image.RGBA, error)
}

// Drag thresholds in upright pixels: a shorter stroke is a tap.
const (
	dragScroll = 24 // vertical: scroll by as much as the finger moved
	dragSwipe  = 80 // horizontal: previous or next page
)

// docPlace is where the page lies on a document screen.
type docPlace struct {
	area   image.Rectangle // the document area between the bars
	height int             // page image height
	doc    checkout.DocView
	// scroll is doc.Scroll clamped to the page drawn.
	scroll int
}

// document is the POS's document: its title and page n/m with previous
// and next in the title bar, the page filling the width of the body and
// scrolled as the customer dragged it, Close in the bottom bar.
func (b *builder) document(v checkout.View) {
	m, d := b.m, v.Doc
	title := b.t(wDocumentTitle)
	if d.Receipt {
		title = b.t(wReceiptTitle)
	}
	b.pagedHeader(title, d.Page, d.Pages)
	top, bottom := b.body()
	area := image.Rect(0, top, m.w, bottom)
	width := area.Dx() - 2*m.pad
	var page *image.RGBA
	var err error
	if b.pages == nil {
		err = errNoPages
	} else {
		page, err = b.pages.Page(d.ID, d.Page, width)
	}
	if err != nil || page == nil {
		b.stack(top, bottom, b.wrapped(b.st.title, b.t(wDocumentError), 2, colMuted)...)
	} else {
		h := page.Rect.Dy()
		scroll := min(max(d.Scroll, 0), max(h-area.Dy(), 0))
		b.f.doc = docPlace{area: area, height: h, doc: d, scroll: scroll}
		b.add(pageBlock{r: area, page: page, x: m.pad, scroll: scroll})
	}
	b.bar(
		slot{frac: 0.63},
		slot{frac: 0.37, kind: btnSecondary, label: b.t(wClose), act: checkout.ActDismiss, show: true},
	)
}

var errNoPages = errorString("ui: no page source")

type errorString string

func (e errorString) Error() string { return string(e) }

// pageBlock is a document page on the desk colour, x pixels from the
// left, its first scroll rows hidden above r.
type pageBlock struct {
	r         image.Rectangle
	page      *image.RGBA
	x, scroll int
}

func (b pageBlock) bounds() image.Rectangle { return b.r }

// paint copies the page's visible rows; on a BGRA canvas red and blue
// are swapped pixel by pixel.
func (b pageBlock) paint(c *canvas) {
	c.fill(b.r, colDesk)
	src := b.page
	w := min(src.Rect.Dx(), b.r.Dx()-b.x)
	rows := min(src.Rect.Dy()-b.scroll, b.r.Dy())
	for y := range max(rows, 0) {
		so := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+b.scroll+y)
		do := c.img.PixOffset(b.r.Min.X+b.x, b.r.Min.Y+y)
		s, d := src.Pix[so:so+4*w], c.img.Pix[do:do+4*w]
		if !c.bgra {
			copy(d, s)
			continue
		}
		for i := 0; i < len(s); i += 4 {
			d[i], d[i+1], d[i+2], d[i+3] = s[i+2], s[i+1], s[i], s[i+3]
		}
	}
}

// Dragged turns a finger stroke (panel pixels) on a document screen into
// a touch: a vertical drag scrolls the page by as much as the finger
// moved, a horizontal swipe turns to the previous (rightwards) or next
// (leftwards) page. false for strokes too short, not starting on the
// page, or on other screens: the caller treats those as taps.
func (r *Renderer) Dragged(stroke []image.Point) (checkout.Touch, bool) {
	if r.cur == nil || r.cur.screen != checkout.ScreenDocument || len(stroke) < 2 {
		return checkout.Touch{}, false
	}
	p := r.cur.doc
	a, z := r.layout.fromPanel(stroke[0]), r.layout.fromPanel(stroke[len(stroke)-1])
	if !a.In(p.area) {
		return checkout.Touch{}, false
	}
	dx, dy := z.X-a.X, z.Y-a.Y
	switch {
	case abs(dy) >= dragScroll && abs(dy) >= abs(dx):
		y := min(max(p.scroll-dy, 0), max(p.height-p.area.Dy(), 0))
		if y == p.scroll {
			return checkout.Touch{}, false
		}
		return checkout.Touch{Action: checkout.ActScroll, Page: p.doc.Page, Scroll: y}, true
	case abs(dx) >= dragSwipe:
		next := p.doc.Page + 1
		if dx > 0 {
			next = p.doc.Page - 1
		}
		if next < 0 || next >= p.doc.Pages {
			return checkout.Touch{}, false
		}
		return checkout.Touch{Action: checkout.ActPage, Page: next}, true
	}
	return checkout.Touch{}, false
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
