package manifest

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEncodeCanonical(t *testing.T) {
	m := fullManifest()
	m.Expires = time.Date(2027, 1, 5, 13, 0, 0, 999, time.FixedZone("CST", 8*3600))
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"format":2,"product":"payterm","boards":["qemu-virt","sim"],"version":"1.4.0","min_version":"1.2","kernel":"6.1.0-57-arm64",` +
		`"expires":"2027-01-05T05:00:00Z","artefacts":[{"name":"Image","size":20971520,"sha256":"` + hashOf("kernel") + `","encoding":"zstd","payload_size":7340032,"frames":["` + strings.Join(frameHashes("kernel", 20), `","`) + `"]},` +
		`{"name":"initrd.img","size":9437184,"sha256":"` + hashOf("initrd") + `","encoding":"zstd","payload_size":8388608,"frames":["` + strings.Join(frameHashes("initrd", 9), `","`) + `"]}]}`
	if string(b) != want {
		t.Fatalf("Encode:\n got %s\nwant %s", b, want)
	}
}

func TestSignDeterministic(t *testing.T) {
	a, b := sign(t, deltaManifest(), devKeyNew, devKeyOld), sign(t, deltaManifest(), devKeyNew, devKeyOld)
	if !bytes.Equal(a, b) {
		t.Fatal("two signings differ")
	}
	s, err := Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Manifest, deltaManifest()) || len(s.Signatures) != 2 || s.Signatures[0].KeyID != ID(pub(devKeyNew)) {
		t.Fatalf("Parse = %+v", s)
	}
}

func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Manifest)
	}{
		{"format 1 (no frame hashes)", func(m *Manifest) { m.Format = 1 }},
		{"format 3", func(m *Manifest) { m.Format = 3 }},
		{"no product", func(m *Manifest) { m.Product = "" }},
		{"no boards", func(m *Manifest) { m.Boards = nil }},
		{"board with slash", func(m *Manifest) { m.Boards = []string{"a/b"} }},
		{"version", func(m *Manifest) { m.Version = "1.4.0-rc1" }},
		{"leading zero", func(m *Manifest) { m.Version = "1.04" }},
		{"five numbers", func(m *Manifest) { m.Version = "1.2.3.4.5" }},
		{"floor above version", func(m *Manifest) { m.MinVersion = "1.5" }},
		{"no expiry", func(m *Manifest) { m.Expires = time.Time{} }},
		{"no artefacts", func(m *Manifest) { m.Artefacts = nil }},
		{"duplicate artefact", func(m *Manifest) { m.Artefacts[1].Name = "Image" }},
		{"artefact path", func(m *Manifest) { m.Artefacts[0].Name = "../Image" }},
		{"zero size", func(m *Manifest) { m.Artefacts[0].Size = 0 }},
		{"upper-case hash", func(m *Manifest) { m.Artefacts[0].SHA256 = strings.ToUpper(m.Artefacts[0].SHA256) }},
		{"short hash", func(m *Manifest) { m.Artefacts[0].SHA256 = "abcd" }},
		{"no encoding", func(m *Manifest) { m.Artefacts[0].Encoding = "" }},
		{"encoding with space", func(m *Manifest) { m.Artefacts[0].Encoding = "zstd 1" }},
		{"zero payload size", func(m *Manifest) { m.Artefacts[0].PayloadSize = 0 }},
		{"no frame hashes", func(m *Manifest) { m.Artefacts[0].Frames = nil }},
		{"more frames than bytes", func(m *Manifest) { m.Artefacts[0].Size = 19 }},
		{"upper-case frame hash", func(m *Manifest) { m.Artefacts[1].Frames[3] = strings.ToUpper(m.Artefacts[1].Frames[3]) }},
		{"short frame hash", func(m *Manifest) { m.Artefacts[1].Frames[8] = "abcd" }},
		{"kernel with slash", func(m *Manifest) { m.Kernel = "6.1/arm64" }},
		{"kernel too long", func(m *Manifest) { m.Kernel = strings.Repeat("6", 65) }},
		{"delta without base", func(m *Manifest) { m.Delta = &Delta{BaseVersion: "1.3"} }},
		{"delta bad base version", func(m *Manifest) { m.Delta.BaseVersion = "x" }},
		{"delta bad base hash", func(m *Manifest) { m.Delta.Base[0].SHA256 = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := deltaManifest()
			tc.edit(&m)
			if _, err := Encode(m); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Encode: %v, want ErrMalformed", err)
			}
			if _, err := Sign(m, devKeyNew); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Sign: %v, want ErrMalformed", err)
			}
		})
	}
}

// TestParseRefusesNonCanonical: the same manifest spelled any other way
// is refused, so a signature covers one byte form only.
func TestParseRefusesNonCanonical(t *testing.T) {
	good := sign(t, fullManifest(), devKeyNew)
	for _, tc := range []struct{ name, old, new string }{
		{"space", `"format":2,`, `"format": 1,`},
		{"field order", `"format":2,"product":"payterm",`, `"product":"payterm","format":2,`},
		{"fractional second", `T12:00:00Z"`, `T12:00:00.000Z"`},
		{"time zone", `2027-01-05T12:00:00Z`, `2027-01-05T20:00:00+08:00`},
		{"unknown field", `"format":2,`, `"format":2,"extra":true,`},
		{"key case", `"product":`, `"Product":`},
		{"duplicate key", `"format":2,`, `"format":2,"format":2,`},
		{"escaped letter", `"payterm"`, `"payter\u006d"`},
		{"unknown envelope field", `"signatures":`, `"x":1,"signatures":`},
		{"trailing data", `]}`, `]} {}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := good
			if tc.name == "fractional second" || tc.name == "time zone" {
				m := fullManifest()
				m.Expires = time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)
				data = sign(t, m, devKeyNew)
			}
			if tc.name == "trailing data" {
				data = append(bytes.Clone(data), ' ', '{', '}')
			} else {
				if !bytes.Contains(data, []byte(tc.old)) {
					t.Fatalf("%q not in %s", tc.old, data)
				}
				data = bytes.Replace(data, []byte(tc.old), []byte(tc.new), 1)
			}
			if _, err := Parse(data); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse: %v, want ErrMalformed", err)
			}
		})
	}
	if _, err := Parse(make([]byte, MaxSize+1)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("oversized input: %v", err)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.3", 0}, {"1.2", "1.2.0", 0}, {"1.2.3", "1.2.4", -1}, {"1.10", "1.9", 1},
		{"2", "1.99.99.99", 1}, {"0.0.0.1", "0", 1},
	} {
		got, err := CompareVersions(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "1.", ".1", "v1", "1..2", "01", "1.2.3.4.5", "1234567890", "-1", "1 .2", "+1"} {
		if _, err := CompareVersions(bad, "1"); !errors.Is(err, ErrMalformed) {
			t.Errorf("CompareVersions(%q): %v, want ErrMalformed", bad, err)
		}
	}
}

// TestAddSignatures: a countersignature by the new key keeps the
// manifest bytes, so terminals trusting only the old or only the new key
// accept the same bundle.
func TestAddSignatures(t *testing.T) {
	old := sign(t, fullManifest(), devKeyOld)
	both, err := AddSignatures(old, devKeyNew, devKeyOld)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(both)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Signatures) != 2 || s.Signatures[1].KeyID != ID(pub(devKeyNew)) {
		t.Fatalf("signatures %+v, want old then new", s.Signatures)
	}
	if !bytes.Equal(both, sign(t, fullManifest(), devKeyOld, devKeyNew)) {
		t.Fatal("countersigned bytes differ from signing by both keys")
	}
	for _, k := range []TrustedKey{{Name: "old", Public: pub(devKeyOld)}, {Name: "new", Public: pub(devKeyNew)}} {
		kr, err := NewKeyring(k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(both, kr, now, terminal()); err != nil {
			t.Errorf("keyring of %s only: %v", k.Name, err)
		}
	}
	if _, err := AddSignatures(old[:10], devKeyNew); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed data: %v", err)
	}
}
