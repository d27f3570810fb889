// Package evdevtest builds the bytes an input event device gives, for the
// tests of evdevio and of the drivers on top of it: recorded event
// streams and the kernel bitmaps the capability ioctls fill.
package evdevtest

import (
	"encoding/binary"

	"payterm/drivers/internal/evdevio"
)

// Stream encodes records as the kernel writes them on a 64-bit host:
// timeval (sec, usec), type, code, value in the host's byte order. The
// timestamps advance so a reader that misreads them would see garbage.
func Stream(recs ...evdevio.Record) []byte {
	b := make([]byte, 0, len(recs)*evdevio.RecordSize)
	for i, r := range recs {
		var e [evdevio.RecordSize]byte
		binary.NativeEndian.PutUint64(e[0:], uint64(1_700_000_000+i))
		binary.NativeEndian.PutUint64(e[8:], uint64(i*1000%1_000_000))
		binary.NativeEndian.PutUint16(e[16:], r.Type)
		binary.NativeEndian.PutUint16(e[18:], r.Code)
		binary.NativeEndian.PutUint32(e[20:], uint32(r.Value))
		b = append(b, e[:]...)
	}
	return b
}

// Bitmap builds the bytes of a kernel bitmap n bits long (rounded up to
// whole 64-bit longs, as EVIOCGBIT fills it) with the given bits set.
// Every bit in set is in [0, n).
func Bitmap(n int, set ...int) []byte {
	b := make([]byte, (n+63)/64*8)
	for _, i := range set {
		w := binary.NativeEndian.Uint64(b[i/64*8:])
		binary.NativeEndian.PutUint64(b[i/64*8:], w|1<<(i%64))
	}
	return b
}
