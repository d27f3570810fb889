package ui

import (
	"fmt"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/order"
	"payterm/internal/latency"
)

// zhOrder is a 20-line order as a Chinese supermarket sends it.
func zhOrder() *order.Order {
	labels := []string{"鲜榨橙汁（大杯）", "牛肉面（大）", "有机散养鸡蛋 10枚装", "云南普洱茶饼357克", "新西兰全脂奶粉900g", "东北五常大米 5kg"}
	o := &order.Order{ID: "ZH-20", Currency: order.MustCurrency("CNY")}
	for i := 0; i < 20; i++ {
		q := order.Quantity((i%3 + 1) * 1000)
		price := int64(1250 + 399*i)
		o.Lines = append(o.Lines, order.Line{ID: fmt.Sprintf("L%d", i+1), Label: labels[i%len(labels)],
			Quantity: q, UnitPrice: price, Amount: order.LineAmount(q, price)})
	}
	o.Discounts = []order.Discount{{Label: "会员优惠", Amount: 500}}
	o.Total = o.Sum()
	return o
}

// BenchmarkOrderToGlass is the order screen from order to glass: the
// 20-line order drawn from scratch in the panel's own pixel format
// (XRGB8888 little-endian: FormatBGRA) and its damage copied row by row
// into panel memory, as fbdev does for a native frame. copy-ms is a plain
// copy of the same 4 MB timed after each frame; x-copy is the ratio of
// the medians.
func BenchmarkOrderToGlass(b *testing.B) {
	for _, tc := range []struct {
		lang string
		o    *order.Order
	}{{"en", testOrder(20, true)}, {"zh", zhOrder()}} {
		b.Run(tc.lang, func(b *testing.B) {
			l := Layout{W: 1280, H: 800}
			r, err := newRenderer(Options{Layout: l, Fonts: benchFonts(b), Format: FormatBGRA}, &glyphText{})
			if err != nil {
				b.Fatal(err)
			}
			v := checkout.View{Screen: checkout.ScreenOrder, Order: tc.o, Marked: map[string]bool{"L2": true}, Language: tc.lang}
			panel := make([]byte, l.W*l.H*4)
			glass := func() {
				r.cur = nil
				img, damage := r.RenderBGRA(v)
				for _, d := range damage {
					n := d.Dx() * 4
					for y := d.Min.Y; y < d.Max.Y; y++ {
						o := img.PixOffset(d.Min.X, y)
						copy(panel[o:o+n], img.Pix[o:o+n])
					}
				}
			}
			glass() // warm the glyph caches, as any earlier order has
			// The copy is timed beside each frame, so both see the same
			// load on a shared machine.
			// Written once, so the copy reads real pages rather than
			// the kernel's shared zero page.
			src := make([]byte, len(panel))
			for i := range src {
				src[i] = byte(i)
			}
			lat := make([]time.Duration, 0, b.N)
			cp := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				glass()
				t1 := time.Now()
				copy(panel, src)
				lat, cp = append(lat, t1.Sub(t0)), append(cp, time.Since(t1))
			}
			b.StopTimer()
			p50, c50 := latency.Ms(lat, 50), latency.Ms(cp, 50)
			b.ReportMetric(p50, "p50-ms")
			b.ReportMetric(c50, "copy-ms")
			b.ReportMetric(p50/c50, "x-copy")
		})
	}
}
