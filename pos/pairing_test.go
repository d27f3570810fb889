package pos

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadPairingRefusesBadFiles(t *testing.T) {
	good, _ := json.Marshal(PairingOf("PT1-0001", devPublic()))
	tests := []struct {
		name string
		body string
		ok   bool
	}{
		{"good", string(good), true},
		{"empty object", `{}`, false},
		{"not JSON", `poiid=PT1`, false},
		{"key id of another key", `{"poiid":"PT1-0001","key_id":"0000000000000000","public_key":"` + PairingOf("x", devPublic()).PublicKey + `"}`, false},
		{"short key", `{"poiid":"PT1-0001","key_id":"` + PairingOf("x", devPublic()).KeyID + `","public_key":"abcd"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.json")
			os.WriteFile(path, []byte(tt.body), 0o600)
			_, err := ReadPairing(path)
			if (err == nil) != tt.ok {
				t.Fatalf("err %v", err)
			}
		})
	}
	if _, err := ReadPairing(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// FuzzParsePairing: never panics; what it accepts has a usable key and
// writes back to the same pairing.
func FuzzParsePairing(f *testing.F) {
	good, _ := json.Marshal(PairingOf("PT1-0001", devPublic()))
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"poiid":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePairing(b)
		if err != nil {
			return
		}
		if _, err := p.Key(); err != nil {
			t.Fatalf("accepted %+v: %v", p, err)
		}
		again, _ := json.Marshal(p)
		if q, err := ParsePairing(again); err != nil || q != p {
			t.Fatalf("round trip %+v → %+v, %v", p, q, err)
		}
	})
}
