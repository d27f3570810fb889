package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"payterm/firmware/attest"
)

// TestProvision: board × configuration file → provisioned or not, and
// which keys. Dev keys only on board sim or with "dev": true; a real
// board without a usable file of its own never loads one.
func TestProvision(t *testing.T) {
	const path = "/data/payterm.json"
	prodKey := strings.Repeat("ab", 32)
	prod := `{"poiid":"PT7-0042","keys":[{"id":"shop","version":3,"passphrase":"s3cret"}],"terminal_key":"` + prodKey + `"}`
	type file struct {
		json string // "" with err set: the read failed
		err  error
	}
	missing := file{err: fmt.Errorf("config: %w", os.ErrNotExist)}
	unreadable := file{err: errors.New("config: read /data/payterm.json: input/output error")}
	tests := []struct {
		name, board string
		file        file
		whyHas      string // "" → provisioned
		devLink     bool   // a link key is the dev one (a link is built only when provisioned)
		devTerminal bool   // the terminal key is the dev one
	}{
		{"sim, no file: dev defaults", "sim", missing, "", true, true},
		{"qemu, no file", "qemu-virt", missing, "configuration /data/payterm.json is missing", false, false},
		{"qemu, unreadable", "qemu-virt", unreadable, "input/output error", false, false},
		{"sim, unreadable", "sim", unreadable, "input/output error", false, false},
		{"qemu, not JSON", "qemu-virt", file{json: `{"poiid":`}, "unusable", false, false},
		{"qemu, misspelt field", "qemu-virt", file{json: `{"poid":"x"}`}, "unknown field", false, false},
		{"qemu, empty object", "qemu-virt", file{json: `{}`}, "no link keys", false, false},
		{"qemu, keys but no terminal key", "qemu-virt", file{json: `{"keys":[{"id":"shop","version":3,"passphrase":"s3cret"}]}`}, "terminal_key", false, false},
		{"qemu, terminal key but no keys", "qemu-virt", file{json: `{"terminal_key":"` + prodKey + `"}`}, "no link keys", false, false},
		{"qemu, the dev passphrase spelt out", "qemu-virt", file{json: `{"keys":[{"id":"payterm-dev","version":1,"passphrase":"payterm-dev-passphrase"}],"terminal_key":"` + prodKey + `"}`}, "public dev passphrase", true, false},
		{"qemu, provisioned", "qemu-virt", file{json: prod}, "", false, false},
		{"qemu, dev flag", "qemu-virt", file{json: `{"dev":true}`}, "", true, true},
		{"qemu, dev flag with own link key", "qemu-virt", file{json: `{"dev":true,"keys":[{"id":"shop","version":3,"passphrase":"s3cret"}]}`}, "", false, true},
		{"sim, empty object", "sim", file{json: `{}`}, "", true, true},
		{"sim, provisioned", "sim", file{json: prod}, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config{}, tt.file.err
			if err == nil {
				c, err = loadConfig(strings.NewReader(tt.file.json))
			}
			got := provision(tt.board, path, c, err)
			why := got.notProvisioned()
			if tt.whyHas == "" && why != "" || tt.whyHas != "" && !strings.Contains(why, tt.whyHas) {
				t.Fatalf("not provisioned: %q; want %q", why, tt.whyHas)
			}
			if got.Board != tt.board {
				t.Errorf("board %s, want %s", got.Board, tt.board)
			}
			if !strings.Contains(got.banner(), why) {
				t.Errorf("the banner does not say why: %s", got.banner())
			}
			devLink := false
			for _, k := range got.Keys {
				devLink = devLink || k.Passphrase == devPassphrase
			}
			if devLink != tt.devLink {
				t.Errorf("dev link key %v, want %v (keys %+v)", devLink, tt.devLink, got.Keys)
			}
			key, kerr := got.terminalKey()
			devTerminal := kerr == nil && key.Equal(attest.DevKey())
			if devTerminal != tt.devTerminal {
				t.Errorf("dev terminal key %v, want %v (%v)", devTerminal, tt.devTerminal, kerr)
			}
			if why != "" && devTerminal {
				t.Error("a terminal that is not provisioned loads the dev terminal key")
			}
		})
	}
}
