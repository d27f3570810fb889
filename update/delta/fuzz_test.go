package delta

import (
	"bytes"
	"testing"
)

// FuzzDecodeFrame: any bytes give a frame's output or an error, never a
// panic, and never more than the header allows.
func FuzzDecodeFrame(f *testing.F) {
	base := program(12, 200<<10)
	z := newCodec(f, Options{FrameSize: 64 << 10})
	for _, fr := range encodeFrames(f, z, base, splice(base[:90<<10], []byte("edit"), base[90<<10:])) {
		f.Add(fr)
	}
	f.Add([]byte{1, 1, 0})
	f.Add([]byte{1, 0x80, 0x80, 0x40, 1, 0, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		out, err := z.DecodeFrame(nil, bytes.NewReader(base), int64(len(base)), frame)
		if err == nil && (len(out) == 0 || len(out) > MaxFrameOutput) {
			t.Fatalf("decoded %d bytes", len(out))
		}
	})
}
