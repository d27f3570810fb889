package ui

import (
	"image"
	"image/color"
	"io"
	"testing"
	"time"

	"github.com/fogleman/gg"

	"payterm/firmware/checkout"
	"payterm/internal/latency"
)

// ggText draws text with gg's DrawString, run by run of one face, over
// the renderer's own layout: the baseline the glyph cache is measured
// against. It ignores clip, which only costs it nothing.
type ggText struct {
	img *image.RGBA
	dc  *gg.Context
}

func (t *ggText) drawText(dst *image.RGBA, _ image.Rectangle, st *style, s string, pen image.Point, c color.RGBA) {
	if t.img != dst {
		t.img, t.dc = dst, gg.NewContextForRGBA(dst)
	}
	t.dc.SetColor(c)
	x := float64(pen.X)
	face, start := -1, 0
	flush := func(end int) {
		if face < 0 || end == start {
			return
		}
		run := s[start:end]
		t.dc.SetFontFace(st.faces[face])
		t.dc.DrawString(run, x, float64(pen.Y))
		w, _ := t.dc.MeasureString(run)
		x += w
	}
	for i, r := range s {
		if f := st.glyph(r).face; f != face {
			flush(i)
			face, start = f, i
		}
	}
	flush(len(s))
}

var _ textDrawer = (*ggText)(nil)

// benchFonts are the system fonts, so the CJK labels exercise fallback
// when a CJK font is installed.
func benchFonts(b *testing.B) *Fonts {
	f, err := DefaultFonts("")
	if err != nil {
		b.Fatal(err)
	}
	if !f.Covers('寿') {
		b.Log("no CJK font installed: CJK labels draw as missing-glyph boxes")
	}
	return f
}

func benchRenderer(b *testing.B, l Layout, text textDrawer) *Renderer {
	r, err := newRenderer(Options{Layout: l, Fonts: benchFonts(b)}, text)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

var orderView = checkout.View{Screen: checkout.ScreenOrder, Order: testOrder(20, true), Marked: map[string]bool{"L2": true}}

// fullRenders draws the 20-line order from scratch b.N times: an order
// arriving (the previous frame is forgotten, so everything repaints).
func fullRenders(b *testing.B, r *Renderer) {
	r.Render(orderView) // warm the glyph caches, as any earlier order has
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r.cur = nil
		r.Render(orderView)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
}

func BenchmarkOrder20Lines1280x800(b *testing.B) {
	fullRenders(b, benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{}))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/render")
}

// BenchmarkOrder20LinesGGDrawString is the same screen with gg's
// DrawString for text; speedup-x is how many times faster the glyph-cache
// path (BenchmarkOrder20Lines1280x800) draws it.
func BenchmarkOrder20LinesGGDrawString(b *testing.B) {
	fullRenders(b, benchRenderer(b, Layout{W: 1280, H: 800}, &ggText{}))
	b.StopTimer()
	slow := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(slow/1e6, "ms/render")
	// The same number of renders through the glyph cache, timed by hand
	// (testing.Benchmark cannot nest).
	r := benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{})
	r.Render(orderView)
	start := time.Now()
	for i := 0; i < b.N; i++ {
		r.cur = nil
		r.Render(orderView)
	}
	fast := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.ReportMetric(slow/fast, "speedup-x")
}

// BenchmarkOrder20LinesRotated is the full render on a portrait-mounted
// panel: layout at 800×1280, pixels turned onto the 1280×800 panel.
func BenchmarkOrder20LinesRotated(b *testing.B) {
	fullRenders(b, benchRenderer(b, Layout{W: 1280, H: 800, Rotation: 90}, &glyphText{}))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/render")
}

// BenchmarkOrder20LinesColdGlyphs is the full render with empty glyph
// caches: the first order after boot, every glyph rasterized.
func BenchmarkOrder20LinesColdGlyphs(b *testing.B) {
	r := benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{})
	st := r.build.st
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, s := range []*style{st.title, st.body, st.bold, st.small, st.smallBold, st.big, st.huge} {
			s.ascii = [128]*glyph{}
			s.other = map[rune]*glyph{}
		}
		r.cur = nil
		r.Render(orderView)
	}
}

// BenchmarkToggleLine marks and unmarks one line: one row repainted.
// damage-% is the share of the panel the display must copy.
func BenchmarkToggleLine(b *testing.B) {
	r := benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{})
	o := orderView.Order
	views := [2]checkout.View{
		{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L2": true}},
		{Screen: checkout.ScreenOrder, Order: o, Marked: map[string]bool{"L2": true, "L4": true}},
	}
	r.Render(views[0])
	r.Render(views[1])
	area := 0
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_, damage := r.Render(views[i%2])
		lat = append(lat, time.Since(t0))
		for _, d := range damage {
			area += d.Dx() * d.Dy()
		}
	}
	b.StopTimer()
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/render")
	b.ReportMetric(100*float64(area)/float64(b.N)/float64(1280*800), "damage-%")
}

// BenchmarkPNG is GET /screen.png of the order screen.
func BenchmarkPNG(b *testing.B) {
	r := benchRenderer(b, Layout{W: 1280, H: 800}, &glyphText{})
	r.Render(orderView)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := r.PNG(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
