package main

import (
	"payterm/firmware/document"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/internal/latency"
	"payterm/internal/pdftest"
	"payterm/ui"
)

// BenchmarkDocumentPageToGlass: a page of a Chinese receipt PDF to a
// 1280×800 XRGB8888 framebuffer: MuPDF draws the page at the document
// area's width (1248 px, ~1870 rows), the ui draws the screen around it
// in the panel's byte order, and the damage is copied to the frame
// buffer. Each iteration turns the page, so MuPDF renders every time.
// Reports p50-ms and p99-ms; scroll-ms is a scroll of the page already
// drawn (no MuPDF). MuPDF runs in its renderer process, as on a terminal.
func BenchmarkDocumentPageToGlass(b *testing.B) {
	render, err := document.SelfRenderer()
	if err != nil {
		b.Fatal(err)
	}
	docs := &documents{render: render}
	defer docs.close()
	id, pages, err := docs.add(pdftest.Receipt(b, 3))
	if err != nil {
		b.Fatal(err)
	}
	r, err := ui.New(ui.Options{Layout: ui.Layout{W: 1280, H: 800}, Pages: docs, Format: ui.FormatBGRA})
	if err != nil {
		b.Fatal(err)
	}
	fb := make([]byte, 1280*800*4)
	glass := func(v checkout.View) {
		img, damage := r.RenderBGRA(v)
		for _, d := range damage {
			for y := d.Min.Y; y < d.Max.Y; y++ {
				o := y*img.Stride + 4*d.Min.X
				copy(fb[o:o+4*d.Dx()], img.Pix[o:o+4*d.Dx()])
			}
		}
	}
	view := func(page, scroll int) checkout.View {
		return checkout.View{Screen: checkout.ScreenDocument, Doc: checkout.DocView{ID: id, Pages: pages, Page: page, Scroll: scroll, Receipt: true}}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		glass(view(i%pages, 0))
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	scroll := make([]time.Duration, 0, 50)
	for i := range 50 {
		t0 := time.Now()
		glass(view(0, 10*(i+1)))
		scroll = append(scroll, time.Since(t0))
	}
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
	b.ReportMetric(latency.Ms(scroll, 50), "scroll-ms")
}
