package evdev

import (
	"encoding/binary"

	"payterm/drivers/internal/evdevio"
)

// in is one input_event to put in a recorded stream.
type in struct {
	typ, code uint16
	val       int32
}

func syn() in                     { return in{evSyn, synReport, 0} }
func dropped() in                 { return in{evSyn, synDropped, 0} }
func key(code uint16, v int32) in { return in{evKey, code, v} }
func abs(code uint16, v int32) in { return in{evAbs, code, v} }

// stream encodes events as the kernel writes them on a 64-bit host:
// timeval (sec, usec), type, code, value in the host's byte order. The
// timestamps advance so a decoder that misreads them would see garbage.
func stream(evs ...in) []byte {
	b := make([]byte, 0, len(evs)*evdevio.RecordSize)
	for i, e := range evs {
		var r [evdevio.RecordSize]byte
		binary.NativeEndian.PutUint64(r[0:], uint64(1_700_000_000+i))
		binary.NativeEndian.PutUint64(r[8:], uint64(i*1000%1_000_000))
		binary.NativeEndian.PutUint16(r[16:], e.typ)
		binary.NativeEndian.PutUint16(r[18:], e.code)
		binary.NativeEndian.PutUint32(r[20:], uint32(e.val))
		b = append(b, r[:]...)
	}
	return b
}

// concat joins recorded streams and raw bytes.
func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
