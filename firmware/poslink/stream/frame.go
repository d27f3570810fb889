package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Frame bytes and sizes; see the package comment for the layout.
const (
	STX = 0x02 // start of text: first byte of every frame
	ETX = 0x03 // end of text: last byte of every frame

	// MaxPayload is the largest payload a frame may carry, in bytes.
	MaxPayload = 256 << 10

	headerSize  = 18 // STX, kind, seq, id, length, header check
	trailerSize = 5  // payload check, ETX
	// Overhead is the number of bytes a frame adds to its payload.
	Overhead = headerSize + trailerSize
)

// Kind says what a frame is.
type Kind byte

const (
	KindData Kind = 'D' // carries a payload; answered by ACK or NAK
	KindAck  Kind = 'A' // the data frame Seq arrived intact
	KindNak  Kind = 'N' // the data frame Seq arrived damaged; send it again
)

func (k Kind) valid() bool { return k == KindData || k == KindAck || k == KindNak }

func (k Kind) String() string {
	switch k {
	case KindData:
		return "data"
	case KindAck:
		return "ack"
	case KindNak:
		return "nak"
	}
	return fmt.Sprintf("kind(%#x)", byte(k))
}

// Frame is one decoded frame. Payload is nil or empty for ACK and NAK.
type Frame struct {
	Kind    Kind
	Seq     uint32 // data: the sender's sequence number; ACK/NAK: the seq answered
	ID      uint32 // request ID pairing a response with its request; 0 for none
	Payload []byte
}

// Decoding outcomes other than success. Every one but ErrShort consumes at
// least one byte, so a decoder always makes progress.
var (
	// ErrShort: b holds the start of a frame that may still be good; read
	// more bytes and decode again.
	ErrShort = errors.New("stream: incomplete frame")
	// ErrNoise: b does not start with STX.
	ErrNoise = errors.New("stream: noise before STX")
	// ErrHeader: the header check failed, the kind is unknown, or an
	// ACK/NAK has an ID; nothing in the header can be trusted.
	ErrHeader = errors.New("stream: bad frame header")
	// ErrLength: the header is intact but the length is over the limit, or
	// an ACK/NAK has a payload. Frame Kind and Seq are set.
	ErrLength = errors.New("stream: bad frame length")
	// ErrPayload: the header is intact but the payload check or the ETX is
	// wrong. Frame Kind and Seq are set.
	ErrPayload = errors.New("stream: bad frame payload")
)

// crc32c is CRC-32C (Castagnoli); the standard library caches its table
// and uses the CPU's instruction where there is one.
func crc32c(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// AppendFrame appends the encoding of f to dst. It fails if f.Kind is
// unknown, if an ACK or NAK carries a payload or an ID, or if the payload
// is over MaxPayload bytes.
func AppendFrame(dst []byte, f Frame) ([]byte, error) {
	switch {
	case !f.Kind.valid():
		return dst, fmt.Errorf("stream: encode: %v", f.Kind)
	case f.Kind != KindData && (len(f.Payload) != 0 || f.ID != 0):
		return dst, fmt.Errorf("stream: encode: %v with payload or id", f.Kind)
	case len(f.Payload) > MaxPayload:
		return dst, fmt.Errorf("stream: encode: payload of %d bytes: %w", len(f.Payload), ErrTooLarge)
	}
	start := len(dst)
	dst = append(dst, STX, byte(f.Kind))
	dst = binary.BigEndian.AppendUint32(dst, f.Seq)
	dst = binary.BigEndian.AppendUint32(dst, f.ID)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(f.Payload)))
	dst = binary.BigEndian.AppendUint32(dst, crc32c(dst[start+1:]))
	dst = append(dst, f.Payload...)
	dst = binary.BigEndian.AppendUint32(dst, crc32c(f.Payload))
	return append(dst, ETX), nil
}

// DecodeFrame decodes the frame at the start of b, accepting payloads of
// at most maxPayload bytes (capped at MaxPayload). It returns the frame,
// the number of bytes it used, and nil; or ErrShort with n = 0; or one of
// the other errors above with n ≥ 1 bytes to skip before trying again. A
// frame's Payload aliases b.
//
// After a damaged frame it skips only the STX, so a good frame hidden in
// the damaged one's bytes (a frame cut short by a dropped byte is followed
// by the next one) is still found.
func DecodeFrame(b []byte, maxPayload int) (f Frame, n int, err error) {
	if len(b) == 0 {
		return Frame{}, 0, ErrShort
	}
	if b[0] != STX {
		n = 1
		for n < len(b) && b[n] != STX {
			n++
		}
		return Frame{}, n, ErrNoise
	}
	if len(b) < headerSize {
		return Frame{}, 0, ErrShort
	}
	f = Frame{
		Kind: Kind(b[1]),
		Seq:  binary.BigEndian.Uint32(b[2:6]),
		ID:   binary.BigEndian.Uint32(b[6:10]),
	}
	if binary.BigEndian.Uint32(b[14:18]) != crc32c(b[1:14]) || !f.Kind.valid() || (f.Kind != KindData && f.ID != 0) {
		return Frame{}, 1, ErrHeader
	}
	size := binary.BigEndian.Uint32(b[10:14])
	if limit := min(max(maxPayload, 0), MaxPayload); size > uint32(limit) || (f.Kind != KindData && size != 0) {
		return f, 1, ErrLength
	}
	end := headerSize + int(size) + trailerSize
	if len(b) < end {
		return Frame{}, 0, ErrShort
	}
	payload := b[headerSize : headerSize+int(size)]
	if binary.BigEndian.Uint32(b[end-5:end-1]) != crc32c(payload) || b[end-1] != ETX {
		return f, 1, ErrPayload
	}
	if size > 0 {
		f.Payload = payload
	}
	return f, end, nil
}
