package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"payterm/drivers/display/displaysim"
	"payterm/firmware/journal"
	"payterm/ui"
)

// checkedPanel is a panel whose driver answers Check with err.
type checkedPanel struct {
	*displaysim.Panel
	err error
}

func (p checkedPanel) Check() error { return p.err }

// TestSelfCheck: each part a freshly updated firmware checks before its
// slot is committed fails the check on its own, named in the error.
func TestSelfCheck(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	jr, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer jr.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r, err := ui.New(ui.Options{Layout: ui.Layout{W: 480, H: 320}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		storage string // health.Storage
		panel   error  // the panel driver's Check
		sim     bool   // a display that cannot check itself
		want    []string
	}{
		{"all good", "", nil, false, nil},
		{"virtual terminal's panel", "", nil, true, nil},
		{"panel gone", "", errors.New("FBIOGET_VSCREENINFO: no such device"), false, []string{"display: FBIOGET_VSCREENINFO"}},
		{"data on tmpfs", "data partition missing", nil, false, []string{"data partition: data partition missing"}},
		{"both", "data partition full", errors.New("panel now 800x480"), false, []string{"data partition full", "display: panel now 800x480"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := displaysim.New(480, 320)
			scr := &uiScreen{log: slog.New(slog.DiscardHandler), r: r, disp: checkedPanel{sim, tc.panel}}
			if tc.sim {
				scr.disp = sim
			}
			cfg := config{HTTPS: ln.Addr().String(), health: health{Storage: tc.storage}}
			err := selfCheck(context.Background(), cfg, jr, key, scr)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("selfCheck: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("selfCheck passed, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("selfCheck: %v, want %q in it", err, w)
				}
			}
		})
	}
}
