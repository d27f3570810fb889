// Package latency turns the durations a benchmark measured into the
// percentiles make bench reports (p50-ms, p99-ms).
package latency

import (
	"slices"
	"time"
)

// Ms is the p-th percentile (0–100) of lat in milliseconds, by the
// nearest-rank-below rule; 0 when lat is empty. lat is not modified.
func Ms(lat []time.Duration, p int) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[(len(s)-1)*p/100].Nanoseconds()) / 1e6
}

// Reporter is the part of testing.B that reports a metric.
type Reporter interface {
	ReportMetric(n float64, unit string)
}

// Report reports lat's p50 and p99 as "p50-ms" and "p99-ms".
func Report(b Reporter, lat []time.Duration) {
	b.ReportMetric(Ms(lat, 50), "p50-ms")
	b.ReportMetric(Ms(lat, 99), "p99-ms")
}
