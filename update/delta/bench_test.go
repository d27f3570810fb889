package delta

import (
	"bytes"
	"runtime"
	"testing"
	"time"
)

// BenchmarkDeltaOneFunction and BenchmarkDeltaKernel: a slot image's
// delta against the previous one, as a share of the full (zstd) payload
// — goal ≤ 15 % for the one-function change — with the content-defined
// chunking alternative measured beside it, the time to send the delta
// over the 115200-baud serial link (8N1, framing overhead not counted),
// and the decoder's cost on the terminal. Run with -benchtime=1x: one
// encode is tens of seconds.
func BenchmarkDeltaOneFunction(b *testing.B) { benchDelta(b, "one-function") }
func BenchmarkDeltaKernel(b *testing.B)      { benchDelta(b, "kernel") }

func benchDelta(b *testing.B, which string) {
	base, target := realPair(b, which)
	z := newCodec(b, Options{})
	var frames [][]byte
	start := time.Now()
	for b.Loop() {
		frames = encodeFrames(b, z, base, target)
	}
	encodeS := time.Since(start).Seconds() / float64(b.N)
	b.StopTimer()

	size := 0
	for _, f := range frames {
		size += len(f)
	}
	// Decode frame by frame as the installer does, keeping nothing
	// between frames: the most one DecodeFrame allocates bounds the heap
	// the decoder needs.
	var ms runtime.MemStats
	var maxAlloc uint64
	out := make([]byte, 0, MaxFrameOutput)
	got := 0
	t0 := time.Now()
	for i, f := range frames {
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		var err error
		if out, err = z.DecodeFrame(out[:0], bytes.NewReader(base), int64(len(base)), f); err != nil {
			b.Fatalf("frame %d: %v", i, err)
		}
		runtime.ReadMemStats(&ms)
		maxAlloc = max(maxAlloc, ms.TotalAlloc-before)
		if !bytes.Equal(out, target[got:got+len(out)]) {
			b.Fatalf("frame %d decodes to other bytes than the target's", i)
		}
		got += len(out)
	}
	decodeS := time.Since(t0).Seconds()
	if got != len(target) {
		b.Fatalf("decoded %d bytes of %d", got, len(target))
	}
	full := fullSize(b, target)
	cdc := cdcSize(b, base, target)
	b.ReportMetric(100*float64(size)/float64(full), "delta/full-%")
	b.ReportMetric(100*float64(cdc)/float64(full), "cdc/full-%")
	b.ReportMetric(float64(size), "delta-bytes")
	b.ReportMetric(float64(full), "full-bytes")
	b.ReportMetric(float64(size)*10/115200, "wire-s@115200")
	b.ReportMetric(encodeS, "encode-s")
	b.ReportMetric(decodeS, "decode-s")
	b.ReportMetric(float64(maxAlloc)/(1<<20), "decode-MiB/frame")
}
