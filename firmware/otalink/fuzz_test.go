package otalink

import (
	"strings"
	"testing"

	"payterm/firmware/poslink"
)

// FuzzParseOffer: the offer record read at start never panics, and what
// it accepts names a bundle the link could have offered.
func FuzzParseOffer(f *testing.F) {
	f.Add([]byte(`{"bundle":"` + strings.Repeat("ab", 32) + `","size":100,"version":"1.2.3"}`))
	f.Add([]byte(`{"bundle":"` + strings.Repeat("ab", 32) + `","size":100,"version":"1.2.3","installing":true}`))
	f.Add([]byte(`{"size":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := parseOffer(b)
		if err != nil {
			return
		}
		if !poslink.ValidBundleID(o.Bundle) || o.Size <= 0 || o.Size > poslink.MaxBundleSize || o.Version == "" {
			t.Fatalf("accepted %+v", o)
		}
	})
}
