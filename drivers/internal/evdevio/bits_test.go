package evdevio_test

import (
	"testing"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

func TestBits(t *testing.T) {
	const keyPower, btnLeft, btnTouch = 116, 0x110, 0x14a
	b := evdevio.BitsFrom(evdevtest.Bitmap(evdevio.KeyCnt, keyPower, btnLeft, btnTouch, 63, 64, evdevio.KeyCnt-1))
	for _, n := range []int{keyPower, btnLeft, btnTouch, 63, 64, evdevio.KeyCnt - 1} {
		if !b.Has(n) {
			t.Errorf("bit %#x not set", n)
		}
	}
	for _, n := range []int{0, 62, 65, keyPower - 1, btnLeft + 1, -1, evdevio.KeyCnt, 1 << 20} {
		if b.Has(n) {
			t.Errorf("bit %#x set", n)
		}
	}
	if n := b.Count(); n != 6 {
		t.Errorf("Count %d, want 6", n)
	}
}

func TestBitsShortOrEmpty(t *testing.T) {
	if b := evdevio.BitsFrom(nil); b.Has(0) || len(b) != 0 {
		t.Errorf("empty bitmap: %v", b)
	}
	// Seven bytes are less than one long: nothing to read.
	if b := evdevio.BitsFrom([]byte{1, 1, 1, 1, 1, 1, 1}); b.Has(0) || len(b) != 0 {
		t.Errorf("short bitmap: %v", b)
	}
	var zero evdevio.Bits
	if zero.Has(0) || zero.Count() != 0 {
		t.Error("zero Bits has a bit set")
	}
}
