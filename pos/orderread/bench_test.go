package orderread

import (
	"testing"
	"time"

	"payterm/internal/latency"
)

// BenchmarkReceiptPDFToOrder: a 10-line receipt PDF (CJK labels, table
// layout, fonts embedded) to a checked order: MuPDF's layout, the
// parser and the check. Reports p50-ms and p99-ms.
func BenchmarkReceiptPDFToOrder(b *testing.B) {
	o := tenLines()
	pdf := receipt(b, o, "table")
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r, err := ReadPDF(pdf, Options{})
		lat = append(lat, time.Since(t0))
		if err != nil || !r.OK() || len(r.Order.Lines) != 10 {
			b.Fatalf("read %v %v", r.Problems, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
	b.ReportMetric(float64(len(pdf)), "pdf-bytes")
}
