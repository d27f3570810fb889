package ui

import (
	"image"

	"golang.org/x/image/font/sfnt"

	"payterm/firmware/checkout"
)

// Options configure a Renderer. The zero value of each field but Layout
// means its default.
type Options struct {
	Layout Layout
	Fonts  *Fonts // nil: the Go fonts alone (no CJK)
	Name   string // the terminal's name, on the idle screen's title bar
	// Format is the byte order the Renderer draws in: FormatBGRA for a
	// panel whose memory is XRGB8888 little-endian (RenderBGRA is then a
	// plain copy away from the glass).
	Format PixelFormat
	// Pages draws the pages of the documents the POS sends
	// (ScreenDocument); nil: such a screen says the page cannot be shown.
	Pages PageSource
}

// Renderer draws views into a panel-sized image and hit-tests touches
// against the last one drawn. It is not safe for concurrent use: one
// goroutine owns it (the firmware's display loop), and a PNG snapshot for
// another must be taken through that owner.
type Renderer struct {
	layout  Layout
	logical *image.RGBA // the upright screen; the panel image itself at Rotation 0
	panel   *image.RGBA
	canvas  *canvas
	build   builder
	name    string
	cur     *frame // last frame rendered; nil before the first
	png     pngState
	format  PixelFormat
	conv    []byte            // the panel in the other format; nil until asked for
	convLag []image.Rectangle // where conv is behind the panel
	pic     preview           // the face screen's camera picture; wiped when it leaves
}

// New returns a Renderer for opts.Layout. Nothing is drawn until Render.
func New(opts Options) (*Renderer, error) {
	return newRenderer(opts, &glyphText{})
}

// newRenderer takes the text drawer so benchmarks can compare drawers
// over the same layout.
func newRenderer(opts Options, text textDrawer) (*Renderer, error) {
	if err := opts.Layout.validate(); err != nil {
		return nil, err
	}
	fonts := opts.Fonts
	if fonts == nil {
		var err error
		if fonts, err = LoadFonts(); err != nil {
			return nil, err
		}
	}
	size := opts.Layout.logical()
	m := newMetrics(size)
	st, err := newStyles(fonts, m)
	if err != nil {
		return nil, err
	}
	r := &Renderer{
		layout: opts.Layout,
		panel:  image.NewRGBA(image.Rect(0, 0, opts.Layout.W, opts.Layout.H)),
		build:  builder{m: m, st: st, pages: opts.Pages},
		name:   opts.Name,
		format: opts.Format,
	}
	r.build.pic = &r.pic
	r.logical = r.panel
	if opts.Layout.Rotation != 0 {
		r.logical = image.NewRGBA(image.Rectangle{Max: size})
	}
	r.canvas = newCanvas(r.logical, text)
	r.canvas.bgra = opts.Format == FormatBGRA
	r.pic.bgra = r.canvas.bgra
	return r, nil
}

func newStyles(f *Fonts, m metrics) (*styles, error) {
	regular, bold := f.chain(false), f.chain(true)
	var st styles
	for _, s := range []struct {
		dst   **style
		fonts []*sfnt.Font
		px    float64
	}{
		{&st.title, bold, m.title}, {&st.body, regular, m.body}, {&st.bold, bold, m.body},
		{&st.small, regular, m.small}, {&st.smallBold, bold, m.small},
		{&st.big, bold, m.big}, {&st.huge, bold, m.huge},
	} {
		var err error
		if *s.dst, err = newStyle(s.fonts, s.px); err != nil {
			return nil, err
		}
	}
	return &st, nil
}

// Render draws v and returns the panel image and the rectangles of it
// (panel pixels) that changed since the previous Render: the whole panel
// after a change of screen, a line's row after a line was marked, none
// when nothing changed. The image is the Renderer's own (on a FormatBGRA
// Renderer, a converted copy: use RenderBGRA there) and changes on the
// next render.
func (r *Renderer) Render(v checkout.View) (*image.RGBA, []image.Rectangle) {
	damage := r.render(v)
	if r.format == FormatBGRA {
		return &image.RGBA{Pix: r.other(), Stride: r.panel.Stride, Rect: r.panel.Rect}, damage
	}
	return r.panel, damage
}

// render brings the panel image to v and returns the damage.
func (r *Renderer) render(v checkout.View) []image.Rectangle {
	f := r.build.build(v, r.name)
	if f.screen != checkout.ScreenFace {
		// No camera picture outlives the face screen. The repaint below
		// covers the panel pixels it was drawn on.
		r.pic.wipe()
	}
	dirty := r.repaint(&f)
	r.cur = &f
	for i, d := range dirty {
		r.rotate(d)
		dirty[i] = r.layout.toPanel(d)
	}
	r.lagConv(dirty)
	return dirty
}

// Buttons are the touch targets of the screen last rendered, in panel
// pixels, line rows included (ActToggleLine).
func (r *Renderer) Buttons() []Button {
	if r.cur == nil {
		return nil
	}
	out := make([]Button, len(r.cur.buttons))
	for i, b := range r.cur.buttons {
		b.Rect = r.layout.toPanel(b.Rect)
		out[i] = b
	}
	return out
}

// Hit is the action of the touch target under p (panel pixels) on the
// screen last rendered; false when p hits none.
func (r *Renderer) Hit(p image.Point) (checkout.Touch, bool) {
	if r.cur == nil {
		return checkout.Touch{}, false
	}
	q := r.layout.fromPanel(p)
	for _, b := range r.cur.buttons {
		if q.In(b.Rect) {
			return touchFor(b), true
		}
	}
	return checkout.Touch{}, false
}

func touchFor(b Button) checkout.Touch {
	t := checkout.Touch{Action: b.Action}
	switch b.Action {
	case checkout.ActToggleLine:
		t.Line = b.Line
	case checkout.ActPage:
		t.Page = b.Page
	case checkout.ActLanguage:
		t.Language = b.Language
	case checkout.ActDigit:
		t.Digit = b.Digit
	}
	return t
}

// UpdateProgress is a software download as the idle screen shows it.
type UpdateProgress struct {
	Done, Total int64 // bytes; Total 0: none in progress
}

// SetUpdate sets the download shown on the idle screen from the next
// Render on; the zero value hides it. Other screens never show it.
func (r *Renderer) SetUpdate(p UpdateProgress) { r.build.update = p }
