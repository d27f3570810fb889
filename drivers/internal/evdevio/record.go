package evdevio

import (
	"bufio"
	"encoding/binary"
	"io"
)

// RecordSize is sizeof(struct input_event) on 64-bit Linux (arm64, amd64):
// struct timeval (two 8-byte longs), then __u16 type, __u16 code, __s32
// value. 32-bit ABIs use 16 bytes and are not supported.
const RecordSize = 24

// Record is one input_event without its timestamp, which the drivers do
// not need: frames are ordered and the consumer has its own clock.
type Record struct {
	Type  uint16
	Code  uint16
	Value int32
}

// DecodeRecord reads one input_event in the host's byte order, as the
// kernel writes it. b holds at least RecordSize bytes.
func DecodeRecord(b []byte) Record {
	return Record{
		Type:  binary.NativeEndian.Uint16(b[16:]),
		Code:  binary.NativeEndian.Uint16(b[18:]),
		Value: int32(binary.NativeEndian.Uint32(b[20:])),
	}
}

// Reader reads whole records from a stream. Not safe for concurrent use.
type Reader struct {
	in  *bufio.Reader
	rec [RecordSize]byte
}

// NewReader returns a reader of r, which yields records in the host's
// byte order as the kernel writes them.
func NewReader(r io.Reader) *Reader {
	// A whole number of records, so reads from a device (which returns
	// only whole records) never get a buffer too small.
	return &Reader{in: bufio.NewReaderSize(r, 64*RecordSize)}
}

// Next returns the next record. At the end of the stream it returns
// io.EOF, for a record cut short io.ErrUnexpectedEOF, and any other read
// error as it came.
func (r *Reader) Next() (Record, error) {
	if _, err := io.ReadFull(r.in, r.rec[:]); err != nil {
		return Record{}, err
	}
	return DecodeRecord(r.rec[:]), nil
}
