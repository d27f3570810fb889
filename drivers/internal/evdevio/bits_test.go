package evdevio

import (
	"encoding/binary"
	"testing"
)

// bitmap builds the bytes of a kernel bitmap of n bits with set set.
func bitmap(n int, set ...int) []byte {
	b := make([]byte, (n+63)/64*8)
	for _, i := range set {
		w := binary.NativeEndian.Uint64(b[i/64*8:])
		binary.NativeEndian.PutUint64(b[i/64*8:], w|1<<(i%64))
	}
	return b
}

func TestBits(t *testing.T) {
	const keyPower, btnLeft, btnTouch = 116, 0x110, 0x14a
	b := BitsFrom(bitmap(KeyCnt, keyPower, btnLeft, btnTouch, 63, 64, KeyCnt-1))
	for _, n := range []int{keyPower, btnLeft, btnTouch, 63, 64, KeyCnt - 1} {
		if !b.Has(n) {
			t.Errorf("bit %#x not set", n)
		}
	}
	for _, n := range []int{0, 62, 65, keyPower - 1, btnLeft + 1, -1, KeyCnt, 1 << 20} {
		if b.Has(n) {
			t.Errorf("bit %#x set", n)
		}
	}
	if n := b.Count(); n != 6 {
		t.Errorf("Count %d, want 6", n)
	}
}

func TestBitsShortOrEmpty(t *testing.T) {
	if b := BitsFrom(nil); b.Has(0) || len(b) != 0 {
		t.Errorf("empty bitmap: %v", b)
	}
	// Seven bytes are less than one long: nothing to read.
	if b := BitsFrom([]byte{1, 1, 1, 1, 1, 1, 1}); b.Has(0) || len(b) != 0 {
		t.Errorf("short bitmap: %v", b)
	}
	var zero Bits
	if zero.Has(0) || zero.Count() != 0 {
		t.Error("zero Bits has a bit set")
	}
}
