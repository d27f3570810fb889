package main

import (
	"strings"
	"testing"
	"time"

	"payterm/board"
	"payterm/firmware/checkout"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name, in string
		errHas   string
		check    func(t *testing.T, c config)
	}{
		{name: "empty object keeps the dev defaults, but no link key until provisioned", in: `{}`, check: func(t *testing.T, c config) {
			if c.Keys != nil {
				t.Fatalf("keys before provision: %+v", c.Keys)
			}
			c = c.withDevKeys() // board sim by default
			if c.POIID != devPOIID || c.Keys[0].Passphrase != devPassphrase || c.AllowPlaintext || len(c.devWarnings()) != 3 {
				t.Fatalf("%+v, warnings %v", c, c.devWarnings())
			}
		}},
		{name: "production keys", in: `{"poiid":"PT7-0042","keys":[{"id":"shop","version":3,"passphrase":"s3cret"}],
			"tls_cert":"/data/c.pem","tls_key":"/data/k.pem","modes":["direct"],
			"terminal_key":"` + strings.Repeat("ab", 32) + `"}`, check: func(t *testing.T, c config) {
			if w := c.devWarnings(); len(w) != 0 {
				t.Fatalf("dev warnings for a production configuration: %v", w)
			}
			m, _ := c.modes()
			if m[checkout.Relay] || !m[checkout.Direct] {
				t.Fatalf("modes %v", m)
			}
			if strings.Contains(c.banner(), "s3cret") {
				t.Fatal("the banner prints a passphrase")
			}
		}},
		{name: "plaintext allowed, with a warning", in: `{"allow_plaintext":true}`, check: func(t *testing.T, c config) {
			if !c.AllowPlaintext || !strings.Contains(strings.Join(c.devWarnings(), "\n"), "plain (unencrypted)") {
				t.Fatalf("allow_plaintext %v, warnings %v", c.AllowPlaintext, c.devWarnings())
			}
		}},
		{name: "link read timeout", in: `{"link_read_timeout":"30s"}`, check: func(t *testing.T, c config) {
			if d, err := c.linkReadTimeout(); err != nil || d != 30*time.Second {
				t.Fatalf("%v, %v", d, err)
			}
		}},
		{name: "Chinese screens", in: `{"language":"zh"}`, check: func(t *testing.T, c config) {
			if c.Language != "zh" {
				t.Fatalf("language %q", c.Language)
			}
		}},
		{name: "unknown language", in: `{"language":"fr"}`, errHas: "language"},
		{name: "a model without its scanner", in: `{"without":["scanner"]}`, check: func(t *testing.T, c config) {
			b := c.leaveOut(board.Sim)
			if b.Scanner != (board.Scanner{}) || b.Camera != board.Sim.Camera {
				t.Fatalf("left out: scanner %+v, camera %+v", b.Scanner, b.Camera)
			}
		}},
		{name: "without something that is not a part", in: `{"without":["display"]}`, errHas: `without "display"`},
		{name: "bad link read timeout", in: `{"link_read_timeout":"-1s"}`, errHas: "link_read_timeout"},
		{name: "the old require_encryption is refused", in: `{"require_encryption":true}`, errHas: "unknown field"},
		{name: "misspelt key", in: `{"poid":"x"}`, errHas: "unknown field"},
		{name: "not JSON", in: `poiid=x`, errHas: "config"},
		{name: "no keys", in: `{"keys":[]}`, errHas: "no link keys"},
		{name: "key without passphrase", in: `{"keys":[{"id":"a","version":1}]}`, errHas: "passphrase"},
		{name: "key version 0", in: `{"keys":[{"id":"a","version":0,"passphrase":"p"}]}`, errHas: "version"},
		{name: "unknown mode", in: `{"modes":["cash"]}`, errHas: "unknown mode"},
		{name: "no mode", in: `{"modes":[]}`, errHas: "no mode"},
		{name: "short terminal key", in: `{"terminal_key":"abcd"}`, errHas: "64 hex"},
		{name: "face key", in: `{"face_key":"` + strings.Repeat("ab", 32) + `"}`, check: func(t *testing.T, c config) {
			k, fromHost, err := c.faceKey()
			if err != nil || len(k) != 32 || k[0] != 0xab || fromHost {
				t.Fatalf("face key %x, from host %t, %v", k, fromHost, err)
			}
		}},
		{name: "no face key on a real board: no face payment", in: `{"board":"qemu-virt","terminal_key":"` + strings.Repeat("ab", 32) + `"}`,
			check: func(t *testing.T, c config) {
				if k, fromHost, err := c.faceKey(); k != nil || fromHost || err != nil {
					t.Fatalf("face key %x, from host %t, %v", k, fromHost, err)
				}
			}},
		{name: "no face key on board sim: the payment host's", in: `{}`, check: func(t *testing.T, c config) {
			if k, fromHost, err := c.faceKey(); k != nil || !fromHost || err != nil {
				t.Fatalf("face key %x, from host %t, %v", k, fromHost, err)
			}
		}},
		{name: "short face key", in: `{"face_key":"abcd"}`, errHas: "face_key must be 64 hex"},
		{name: "face key not hex", in: `{"face_key":"` + strings.Repeat("zz", 32) + `"}`, errHas: "face_key must be 64 hex"},
		{name: "empty POIID", in: `{"poiid":""}`, errHas: "poiid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(strings.NewReader(tt.in))
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("err %v, want %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func FuzzLoadConfig(f *testing.F) {
	f.Add(`{}`)
	f.Add(`{"poiid":"PT1-0001","keys":[{"id":"k","version":1,"passphrase":"p"}],"modes":["relay","direct"]}`)
	f.Add(`{"terminal_key":"` + strings.Repeat("0", 64) + `"}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := loadConfig(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever loads is usable: modes and banner work, and once
		// provisioned it has link keys and a terminal key.
		if _, err := c.modes(); err != nil {
			t.Fatalf("loaded config has bad modes: %v", err)
		}
		c = c.withDevKeys()
		if c.notProvisioned() == "" {
			if _, err := c.terminalKey(); err != nil || len(c.Keys) == 0 {
				t.Fatalf("provisioned config without keys: %v, %d link keys", err, len(c.Keys))
			}
		}
		_ = c.banner()
	})
}
