// Package deltatest holds a delta codec and slot-like images for tests of
// the code that builds and installs delta bundles (update/bundle,
// update/install). It imports nothing from update/bundle, so bundle's own
// tests can use it without an import cycle (which bundletest, built on
// bundle, cannot avoid).
package deltatest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// XORCodec is a trivial bundle.DeltaCodec for tests, NOT for production:
// it compresses nothing and checks nothing. A frame is the offset of its
// output in the target (8 bytes, big-endian) and that output XORed with
// the base at the same offset (zero past the base's end), so unchanged
// bytes become zeros. Its manifest encoding is "xor-test".
type XORCodec struct {
	// Frame is the output bytes per frame Encode writes; zero means
	// 300 KiB. Decoding takes frames of any size.
	Frame int
}

// Name is the codec's manifest encoding.
func (XORCodec) Name() string { return "xor-test" }

// Encode writes target as frames of c.Frame output bytes against base.
func (c XORCodec) Encode(w io.Writer, base io.ReaderAt, baseSize int64, target io.Reader) error {
	size := c.Frame
	if size == 0 {
		size = 300 << 10
	}
	buf := make([]byte, size)
	var off int64
	for {
		n, err := io.ReadFull(target, buf)
		if n > 0 {
			frame := binary.BigEndian.AppendUint64(nil, uint64(off))
			frame = append(frame, xorBase(buf[:n], base, baseSize, off)...)
			if _, werr := w.Write(frame); werr != nil {
				return werr
			}
			off += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// DecodeFrame appends frame's output, XORed back with base, to dst.
func (XORCodec) DecodeFrame(dst []byte, base io.ReaderAt, baseSize int64, frame []byte) ([]byte, error) {
	if len(frame) < 8 {
		return nil, errors.New("short frame")
	}
	off := int64(binary.BigEndian.Uint64(frame))
	if off < 0 || off > 1<<40 {
		return nil, errors.New("bad offset")
	}
	return append(dst, xorBase(frame[8:], base, baseSize, off)...), nil
}

// xorBase is p XORed with base's bytes at off, as far as base reaches.
func xorBase(p []byte, base io.ReaderAt, baseSize, off int64) []byte {
	out := bytes.Clone(p)
	if off >= baseSize {
		return out
	}
	b := make([]byte, min(int64(len(p)), baseSize-off))
	n, _ := base.ReadAt(b, off)
	for i := range n {
		out[i] ^= b[i]
	}
	return out
}
