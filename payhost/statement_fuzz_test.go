package payhost

import (
	"encoding/base64"
	"testing"
)

// FuzzDecodeStatement: no panic; whatever is accepted is valid, in UTC,
// and survives Encode → DecodeStatement unchanged.
func FuzzDecodeStatement(f *testing.F) {
	f.Add(goodStatement().Encode())
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"terminal_id":"T","amount":1}`)))
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"time":"2026-01-02T03:04:05+08:00"} x`)))
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`null`)))
	f.Add("e30")
	f.Add("!!")
	f.Fuzz(func(t *testing.T, enc string) {
		s, err := DecodeStatement(enc)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted an invalid statement: %v", err)
		}
		if s.Time.Location().String() != "UTC" {
			t.Fatalf("time not in UTC: %v", s.Time)
		}
		again, err := DecodeStatement(s.Encode())
		if err != nil || again != s {
			t.Fatalf("round trip: %+v %v, want %+v", again, err, s)
		}
	})
}
