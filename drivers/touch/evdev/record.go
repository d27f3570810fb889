package evdev

import "encoding/binary"

// recordSize is sizeof(struct input_event) on 64-bit Linux (arm64, amd64):
// struct timeval (two 8-byte longs), then __u16 type, __u16 code, __s32
// value. 32-bit ABIs use 16 bytes and are not supported.
const recordSize = 24

// record is one input_event without its timestamp, which the decoder does
// not need: frames are ordered and the consumer has its own clock.
type record struct {
	Type  uint16
	Code  uint16
	Value int32
}

// decodeRecord reads one input_event in the host's byte order, as the
// kernel writes it. b holds at least recordSize bytes.
func decodeRecord(b []byte) record {
	return record{
		Type:  binary.NativeEndian.Uint16(b[16:]),
		Code:  binary.NativeEndian.Uint16(b[18:]),
		Value: int32(binary.NativeEndian.Uint32(b[20:])),
	}
}
