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
	f.Add([]byte(`{"format":2,"bundle":"` + strings.Repeat("ab", 32) + `","size":100,"version":"1.2.3","extra":[1]}`))
	f.Add([]byte(`{"size":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := parseOffer(b)
		if err != nil {
			return
		}
		if !poslink.ValidBundleID(o.Bundle) || o.Size <= 0 || o.Size > poslink.MaxBundleSize || o.Version == "" {
			t.Fatalf("accepted %+v", o)
		}
		b = o.marshal()
		if len(b) > maxOfferFile { // a newer format's members, escaped, can grow past the bound
			return
		}
		again, err := parseOffer(b)
		if err != nil || again.offer() != o.offer() || again.Installing != o.Installing || again.format < offerFormat {
			t.Fatalf("%+v written back reads as %+v, %v", o, again, err)
		}
	})
}
