package otalink

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var testBundleID = strings.Repeat("ab", 32)

// TestOfferFormat: the record names its format; records of every format
// are read for the members this firmware knows, and a rewrite keeps a
// newer format's number and members.
func TestOfferFormat(t *testing.T) {
	for _, tc := range []struct {
		name     string
		file     string
		want     offerRecord // members read
		rewrites map[string]any
	}{
		{"unnumbered (before formats)", `{"bundle":"` + testBundleID + `","size":100,"version":"1.2.3"}`,
			offerRecord{Bundle: testBundleID, Size: 100, Version: "1.2.3"},
			map[string]any{"format": 1.0, "bundle": testBundleID, "size": 100.0, "version": "1.2.3", "installing": true}},
		{"format 1", `{"format":1,"bundle":"` + testBundleID + `","size":100,"version":"1.2.3","installing":true}`,
			offerRecord{Bundle: testBundleID, Size: 100, Version: "1.2.3", Installing: true},
			map[string]any{"format": 1.0, "bundle": testBundleID, "size": 100.0, "version": "1.2.3", "installing": true}},
		{"newer format with a new member", `{"format":3,"bundle":"` + testBundleID + `","size":100,"version":"1.2.3","source":{"url":"x"}}`,
			offerRecord{Bundle: testBundleID, Size: 100, Version: "1.2.3"},
			map[string]any{"format": 3.0, "bundle": testBundleID, "size": 100.0, "version": "1.2.3", "installing": true, "source": map[string]any{"url": "x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, offerFile), []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			o, err := readOffer(dir)
			if err != nil {
				t.Fatal(err)
			}
			if o.offer() != tc.want.offer() || o.Installing != tc.want.Installing {
				t.Fatalf("read %+v, want %+v", o, tc.want)
			}
			rec := *o
			rec.Installing = true // what the receiver rewrites before the slot switch
			if err := writeOffer(dir, &rec); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, offerFile))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil || !reflect.DeepEqual(got, tc.rewrites) {
				t.Fatalf("rewritten as %s, want %v", b, tc.rewrites)
			}
		})
	}
}

// TestOfferReadByOlderFirmware: what this firmware writes, firmware from
// before formats were numbered still reads (it decoded the four members
// into a struct, ignoring others).
func TestOfferReadByOlderFirmware(t *testing.T) {
	dir := t.TempDir()
	rec := &offerRecord{Bundle: testBundleID, Size: 4096, Version: "2.0.0", Installing: true}
	if err := writeOffer(dir, rec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, offerFile))
	if err != nil {
		t.Fatal(err)
	}
	var old struct {
		Bundle     string `json:"bundle"`
		Size       int64  `json:"size"`
		Version    string `json:"version"`
		Installing bool   `json:"installing,omitempty"`
	}
	if err := json.Unmarshal(b, &old); err != nil || old.Bundle != rec.Bundle || old.Size != rec.Size || old.Version != rec.Version || !old.Installing {
		t.Fatalf("older firmware reads %s as %+v, %v", b, old, err)
	}
	if !strings.Contains(string(b), `"format":1`) {
		t.Fatalf("record %s names no format", b)
	}
}

func TestOfferRefused(t *testing.T) {
	for _, file := range []string{
		`{"format":0,"bundle":"` + testBundleID + `","size":100,"version":"1.2.3"}`,
		`{"format":"2","bundle":"` + testBundleID + `","size":100,"version":"1.2.3"}`,
		`{"format":1,"bundle":"x","size":100,"version":"1.2.3"}`,
		`{"format":1,"bundle":"` + testBundleID + `","size":0,"version":"1.2.3"}`,
		`[]`, `null`, `{`,
	} {
		if o, err := parseOffer([]byte(file)); err == nil {
			t.Errorf("parseOffer(%s) = %+v, want an error", file, o)
		}
	}
}
