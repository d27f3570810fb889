package evdevio

import (
	"encoding/binary"
	"math/bits"
)

// Bits is a kernel bitmap as EVIOCGBIT and EVIOCGKEY fill it: an array of
// unsigned longs (64-bit here) in the host's byte order, bit n in long
// n/64 at position n%64. The zero value has no bit set.
type Bits []uint64

// BitsFrom reads a bitmap from the bytes an ioctl filled; a trailing
// part shorter than a long is ignored.
func BitsFrom(b []byte) Bits {
	out := make(Bits, len(b)/8)
	for i := range out {
		out[i] = binary.NativeEndian.Uint64(b[8*i:])
	}
	return out
}

// Has says whether bit n is set; bits out of range are not.
func (b Bits) Has(n int) bool {
	return n >= 0 && n/64 < len(b) && b[n/64]>>(n%64)&1 != 0
}

// Count is the number of bits set.
func (b Bits) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
