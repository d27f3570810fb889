package pos

import (
	"context"
	"os"
	"testing"
)

// BenchmarkUpdateWire115200 sends a 1 MiB bundle over the serial
// framing and counts every byte both ends put on the cable (data frames,
// ACKs, replies, both directions) on an instant simulated line; the wire
// time at 115200 baud is computed from that count at ten bits a byte
// (8N1), not waited for. The ratio is wire bytes per bundle byte: the
// cost of base64 twice (chunk in JSON, then NexoCrypto's blob) and of
// the frames.
func BenchmarkUpdateWire115200(b *testing.B) {
	const size = 1 << 20
	path := writeBundle(b, "1.1.0", size)
	bundle, err := OpenBundle(path)
	if err != nil {
		b.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	var wire int64
	for b.Loop() {
		term := newUpdTerminal(b, sha256Of(file), "1.0.0")
		l := newSerialLink(b, term)
		if _, err := updater(b, l.transport(), nil).Sync(context.Background(), bundle); err != nil {
			b.Fatal(err)
		}
		l.cut()
		wire = l.wire
	}
	b.ReportMetric(float64(wire)/float64(bundle.Size), "wire/byte")
	b.ReportMetric(float64(wire)*10/115200, "s@115200")
	b.ReportMetric(float64(wire)*10/115200*float64(1<<20)/float64(bundle.Size), "s/MiB@115200")
}
