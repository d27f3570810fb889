package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"

	"payterm/payhost"
)

// TestPrintIdentity: -identity prints the POIID, the key id and the
// public key that verifies what the configured key signs.
func TestPrintIdentity(t *testing.T) {
	seed := strings.Repeat("5a", ed25519.SeedSize)
	custom, err := loadConfig(strings.NewReader(`{"poiid":"PT9-0042","terminal_key":"` + seed + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]config{"dev": defaultConfig(), "configured": custom} {
		var out bytes.Buffer
		if err := printIdentity(&out, cfg); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fields := strings.Fields(out.String())
		if len(fields) != 3 || fields[0] != cfg.POIID || !strings.HasSuffix(out.String(), "\n") {
			t.Fatalf("%s: printed %q", name, out.String())
		}
		pub, err := hex.DecodeString(fields[2])
		if err != nil || len(pub) != ed25519.PublicKeySize || fields[1] != payhost.KeyIDOf(pub) {
			t.Fatalf("%s: key %q id %q", name, fields[2], fields[1])
		}
		key, _ := cfg.terminalKey()
		st := payhost.Statement{TerminalID: cfg.POIID}
		if err := st.Verify(pub, st.Sign(key)); err != nil {
			t.Errorf("%s: the printed key does not verify the terminal's signature: %v", name, err)
		}
	}
	var a, b bytes.Buffer
	printIdentity(&a, defaultConfig())
	printIdentity(&b, custom)
	if strings.Fields(a.String())[2] == strings.Fields(b.String())[2] {
		t.Error("a configured key prints the dev key")
	}
}
