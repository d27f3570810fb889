package latency

import (
	"testing"
	"time"
)

type metrics map[string]float64

func (m metrics) ReportMetric(n float64, unit string) { m[unit] = n }

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		p    int
		want float64
	}{{0, 1}, {50, 50}, {99, 99}, {100, 100}}
	for _, tt := range tests {
		if got := Ms(lat, tt.p); got != tt.want {
			t.Errorf("p%d = %v ms, want %v", tt.p, got, tt.want)
		}
	}
	if lat[0] != 100*time.Millisecond {
		t.Error("Ms sorted its argument")
	}
	if Ms(nil, 50) != 0 {
		t.Error("empty input is not 0")
	}
	m := metrics{}
	Report(m, lat)
	if m["p50-ms"] != 50 || m["p99-ms"] != 99 {
		t.Errorf("reported %v", m)
	}
}
