package secret

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"134567890123456789", "13************6789"},
		{"123456789012", "12******9012"},
		{"12345678901", "***********"}, // under 12: ends would be more than half
		{"123456789", "*********"},
		{"1234", "****"},
		{"", ""},
		{"face:tok-alice-01", "face:to******e-01"},
		{"face:abc", "face:***"},
		{"face:", "face:"},
		{"FACE:tok-alice-01", "FA***********e-01"}, // the prefix is exact
		{"13456789012345678\n", "******************"},
		{"é3456789012345678", "******************"}, // not ASCII: whole
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzMask: whatever the input, the mask is as long as it, every byte
// between the kept ends is '*', codes under 12 are hidden whole, and no
// more than half of a code is shown.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"134567890123456789", "123456789", "face:tok-alice-01", "", "face:", "12\x003456789012345"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Mask(in)
		if len(out) != len(in) {
			t.Fatalf("Mask(%q) = %q: length changed", in, out)
		}
		code := in
		if rest, ok := strings.CutPrefix(in, facePrefix); ok {
			if !strings.HasPrefix(out, facePrefix) {
				t.Fatalf("Mask(%q) = %q: face prefix lost", in, out)
			}
			code, out = rest, out[len(facePrefix):]
		}
		n := len(code)
		lo, hi := 0, n // the bytes that must be '*'
		if n >= minShown {
			lo, hi = 2, n-4
		}
		shown := 0
		for i := 0; i < n; i++ {
			switch {
			case i >= lo && i < hi && out[i] != '*':
				t.Fatalf("Mask(%q) = %q: byte %d shown", in, out, i)
			case out[i] != '*':
				shown++
			}
		}
		if shown*2 > n {
			t.Fatalf("Mask(%q) = %q: more than half shown", in, out)
		}
		if mid := code[min(2, n):max(n-4, min(2, n))]; n > 8 && mid != "" && !strings.Contains(mid, "*") && strings.Contains(out, mid) {
			t.Fatalf("Mask(%q) = %q: middle %q shown", in, out, mid)
		}
	})
}
