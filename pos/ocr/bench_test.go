package ocr_test

import (
	"image"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/internal/latency"
	"payterm/pos/ocr"
	"payterm/pos/receipttext"
	"payterm/pos/region"
	"payterm/pos/region/xvfbtest"
)

// BenchmarkRegionToOrder: capture of the saved region → OCR → parsed
// order, for the 10-line receipt in each font and layout, on one Xvfb.
// Reports the time (p50-ms, p99-ms) and, over the whole test set (every
// order, font and layout, plus orders with labels the model finds hard),
// the share of fields read exactly (field-acc-%),
// the share of reads sendable without the cashier (sendable-%), and the
// fields that were wrong in a read judged sendable (silent-wrong: must
// stay 0).
func BenchmarkRegionToOrder(b *testing.B) {
	e, err := ocr.New(testPre)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	display := xvfbtest.Start(b, 1280, 800, 24)
	scr, err := region.Open(display)
	if err != nil {
		b.Fatal(err)
	}
	defer scr.Close()
	at := image.Pt(200, 10)
	show := func(img image.Image) region.Saved {
		xvfbtest.Show(b, display, img, at) // on top of the previous one
		r := img.Bounds().Add(at)
		return region.Saved{X: r.Min.X, Y: r.Min.Y, Width: r.Dx(), Height: r.Dy(), Screen: scr.Size()}
	}
	var fields, right, reads, sendable, silent int
	for _, f := range testFonts {
		face := loadFace(b, f, 18)
		for _, lay := range []layout{columns, twoLine} {
			for _, want := range append(testOrders(b), hardOrders(b)...) {
				img, _ := renderPOS(b, want, face, lay)
				saved := show(img)
				got, err := e.ReadRegion(scr, saved, receipttext.Options{ID: want.ID, Currency: want.Currency})
				if err != nil {
					b.Fatal(err)
				}
				n, ok := compareFields(got.Order, want)
				fields, right, reads = fields+n, right+ok, reads+1
				if got.Sendable() {
					sendable++
					silent += n - ok
				}
			}
		}
	}
	ten := testOrders(b)[0]
	imgs := []image.Image{}
	for _, f := range testFonts {
		face := loadFace(b, f, 18)
		for _, lay := range []layout{columns, twoLine} {
			img, _ := renderPOS(b, ten, face, lay)
			imgs = append(imgs, img)
		}
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		saved := show(imgs[i%len(imgs)])
		b.StartTimer()
		t0 := time.Now()
		if _, err := e.ReadRegion(scr, saved, receipttext.Options{ID: ten.ID, Currency: ten.Currency}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	latency.Report(b, lat)
	b.ReportMetric(100*float64(right)/float64(fields), "field-acc-%")
	b.ReportMetric(100*float64(sendable)/float64(reads), "sendable-%")
	b.ReportMetric(float64(silent), "silent-wrong")
	b.Logf("test set: %d reads, %d fields, %d exact, %d sendable, %d wrong in sendable reads", reads, fields, right, sendable, silent)
}

// compareFields counts the fields of want (label, quantity with unit,
// unit price, amount per line; each discount; the total) and how many
// got has exactly.
func compareFields(got, want order.Order) (n, ok int) {
	eq := func(b bool) {
		n++
		if b {
			ok++
		}
	}
	for i, w := range want.Lines {
		var g order.Line
		if i < len(got.Lines) {
			g = got.Lines[i]
		}
		eq(g.Label == w.Label)
		eq(g.Quantity == w.Quantity && g.Unit == w.Unit)
		eq(g.UnitPrice == w.UnitPrice)
		eq(g.Amount == w.Amount)
	}
	for i, w := range want.Discounts {
		eq(i < len(got.Discounts) && got.Discounts[i] == w)
	}
	eq(got.Total == want.Total)
	return n, ok
}
