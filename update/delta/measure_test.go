package delta

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/klauspost/compress/zstd"
)

// fullSize is what a full bundle carries for target: zstd at the best
// level, in frames of MaxFrameOutput like a delta's, so the two compare
// like for like.
func fullSize(tb interface{ Fatal(...any) }, target []byte) int {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	var buf []byte
	for at := 0; at < len(target); at += MaxFrameOutput {
		buf = enc.EncodeAll(target[at:min(at+MaxFrameOutput, len(target))], buf[:0])
		n += len(buf)
	}
	return n
}

// cdcSize is the size of the alternative the issue asks to measure:
// content-defined chunks copied from the base when found there, the
// others sent as literals, zstd-compressed frame by frame (no
// dictionary), with a copy op costing its two uvarints.
func cdcSize(tb interface{ Fatal(...any) }, base, target []byte) int {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		tb.Fatal(err)
	}
	ix := newIndex(base)
	n := 0
	var lit, buf []byte
	var ops []byte
	for at := 0; at < len(target); at += MaxFrameOutput {
		frame := target[at:min(at+MaxFrameOutput, len(target))]
		lit, ops = lit[:0], ops[:0]
		start := 0
		for _, end := range chunks(frame) {
			if off, ok := ix.find(frame[start:end]); ok {
				ops = binary.AppendUvarint(ops, uint64(off))
			} else {
				lit = append(lit, frame[start:end]...)
				ops = binary.AppendUvarint(ops, 0)
			}
			ops = binary.AppendUvarint(ops, uint64(end-start))
			start = end
		}
		buf = enc.EncodeAll(ops, buf[:0])
		n += len(buf)
		buf = enc.EncodeAll(lit, buf[:0])
		n += len(buf)
	}
	return n
}

// roundTrip encodes target against base and decodes every frame alone.
func encodeFrames(tb interface {
	Fatal(...any)
	Helper()
}, z *Zstd, base, target []byte) [][]byte {
	tb.Helper()
	var fw frameWriter
	if err := z.Encode(&fw, bytes.NewReader(base), int64(len(base)), bytes.NewReader(target)); err != nil {
		tb.Fatal(err)
	}
	return fw.frames
}

// frameWriter keeps each Write as one frame, as the bundle does.
type frameWriter struct{ frames [][]byte }

func (f *frameWriter) Write(p []byte) (int, error) {
	f.frames = append(f.frames, bytes.Clone(p))
	return len(p), nil
}

var _ io.Writer = (*frameWriter)(nil)
