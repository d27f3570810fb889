package journal

import (
	"path/filepath"
	"testing"
	"time"

	"payterm/internal/latency"
)

// BenchmarkAppendAttempt is the write that must finish before a charge
// request leaves the terminal: one attempt record, committed with fsync
// to a real file. It reports the latency's p50 and p99.
func BenchmarkAppendAttempt(b *testing.B) {
	j, err := Open(filepath.Join(b.TempDir(), "journal.db"), testKey(1), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	r := saleRecords(42)[3] // the attempt
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := j.Append(r); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
}
