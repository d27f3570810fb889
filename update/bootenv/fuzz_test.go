package bootenv

import (
	"maps"
	"testing"
)

// FuzzDecode: any bytes either fail cleanly or decode to variables that
// encode again into the same size and decode to the same variables.
func FuzzDecode(f *testing.F) {
	f.Add(raw(32, false, 0, "a=1\x00b=2\x00\x00"), false)
	f.Add(raw(32, true, 3, "BOOT_ORDER=A B\x00\x00"), true)
	f.Add(raw(16, false, 0, "=\x00\x00"), false)
	f.Add([]byte{0, 0, 0, 0, 0}, true)
	f.Fuzz(func(t *testing.T, img []byte, redundant bool) {
		vars, flags, err := Decode(img, redundant)
		if err != nil {
			return
		}
		again, err := Encode(vars, len(img), redundant, flags, 0xff)
		if err != nil {
			t.Fatalf("decoded %q does not encode in %d bytes: %v", vars, len(img), err)
		}
		vars2, flags2, err := Decode(again, redundant)
		if err != nil || !maps.Equal(vars, vars2) || flags != flags2 {
			t.Fatalf("round trip: %q/%d → %q/%d, %v", vars, flags, vars2, flags2, err)
		}
	})
}
