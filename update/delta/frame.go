package delta

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A frame is one independently decodable piece of a delta:
//
//	version byte (1)
//	uvarint  output length, 1..MaxFrameOutput
//	uvarint  number of base spans, 0..maxSpans
//	per span: uvarint offset in the base, uvarint length (≥ 1)
//	a zstd frame (with its content checksum) whose raw dictionary is
//	the spans' bytes of the base, concatenated in order
//
// The spans add up to at most MaxDict bytes and lie inside the base.

const frameVersion = 1

// MaxFrameOutput is the most a frame decodes to: an install resumes at a
// frame boundary, so at most this much is decoded again after a cut.
const MaxFrameOutput = 1 << 20

// MaxDict bounds the base bytes one frame is decoded against, which is
// what the decoder holds in memory besides the frame's output.
const MaxDict = 8 << 20

// maxSpans bounds a frame's header.
const maxSpans = 1024

// ErrCorrupt is wrapped by every refusal of a frame's bytes.
var ErrCorrupt = errors.New("corrupt delta frame")

type header struct {
	outLen int
	spans  []span
}

func appendHeader(b []byte, h header) []byte {
	b = append(b, frameVersion)
	b = binary.AppendUvarint(b, uint64(h.outLen))
	b = binary.AppendUvarint(b, uint64(len(h.spans)))
	for _, s := range h.spans {
		b = binary.AppendUvarint(b, uint64(s.Off))
		b = binary.AppendUvarint(b, uint64(s.Len))
	}
	return b
}

// parseHeader reads a frame's header and returns it with the zstd bytes
// that follow, refusing spans outside a base of baseSize bytes.
func parseHeader(frame []byte, baseSize int64) (header, []byte, error) {
	bad := func(format string, a ...any) (header, []byte, error) {
		return header{}, nil, fmt.Errorf("delta: frame: %s: %w", fmt.Sprintf(format, a...), ErrCorrupt)
	}
	if len(frame) == 0 {
		return bad("empty")
	}
	if frame[0] != frameVersion {
		return bad("version %d", frame[0])
	}
	b := frame[1:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	out, ok := next()
	if !ok || out == 0 || out > MaxFrameOutput {
		return bad("output length %d", out)
	}
	n, ok := next()
	if !ok || n > maxSpans {
		return bad("%d spans", n)
	}
	h := header{outLen: int(out), spans: make([]span, 0, n)}
	var total uint64
	for range n {
		off, ok1 := next()
		l, ok2 := next()
		if !ok1 || !ok2 || l == 0 || off > uint64(baseSize) || l > uint64(baseSize)-off {
			return bad("span %d+%d outside a base of %d bytes", off, l, baseSize)
		}
		if total += l; total > MaxDict {
			return bad("spans add up to more than %d bytes", MaxDict)
		}
		h.spans = append(h.spans, span{int64(off), int64(l)})
	}
	return h, b, nil
}
