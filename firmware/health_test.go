package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"payterm/firmware/poslink"
)

func TestStorageHealth(t *testing.T) {
	tests := []struct {
		device   string
		unusable error
		want     string
	}{
		{"/dev/vda3", nil, ""},
		{"tmpfs", nil, "data partition missing: running from tmpfs"},
		{"/dev/vda3", errors.New("full: 0 bytes free"), "data partition unusable (full: 0 bytes free): running from memory"},
	}
	for _, tt := range tests {
		if got := storageHealth(tt.device, tt.unusable); got != tt.want {
			t.Errorf("storageHealth(%q, %v) = %q, want %q", tt.device, tt.unusable, got, tt.want)
		}
	}
	err := fmt.Errorf("serve: %w", &storageError{"journal", errors.New("invalid database")})
	if got := storageFailure(err); got != "journal cannot be opened (invalid database): running from memory" {
		t.Errorf("storageFailure = %q", got)
	}
	if got := storageFailure(errors.New("display: no device")); got != "" {
		t.Errorf("storageFailure of another error = %q", got)
	}
	for in, want := range map[string]string{"": "", "1": "A", "2": "B", "3": "3"} {
		if got := slotName(in); got != want {
			t.Errorf("slotName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDiagnosisChecks: GlobalStatus is not OK when storage is degraded
// or the terminal is not provisioned, whatever the engine says; optional
// hardware does not change it.
func TestDiagnosisChecks(t *testing.T) {
	ok := func() string { return "OK" }
	prod := config{Board: "qemu-virt", POIID: "PT7", Keys: []keyConfig{{ID: "shop", Version: 1, Passphrase: "s3cret"}},
		TerminalKey: strings.Repeat("ab", 32), DataDir: "/data/terminal"}
	tests := []struct {
		name    string
		cfg     config
		status  string
		storage string // detail of the storage check
		keys    string
		_       bool
	}{
		{"provisioned, persistent", prod, "OK", "persistent (/data/terminal)", "provisioned (1 link keys, terminal key)", true},
		{"tmpfs", func() config { c := prod; c.health.Storage = "data partition missing: running from tmpfs"; return c }(),
			"Maintenance", "data partition missing: running from tmpfs", "provisioned", true},
		{"not provisioned", func() config { c := prod; c.TerminalKey = ""; return c }(), "Maintenance", "persistent", "not provisioned: config: no terminal_key", true},
		{"dev on sim", provision("sim", "-", config{}, fmt.Errorf("x: %w", errNotExist())), "OK", "persistent", "dev", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := diagnosisParts{cfg: tt.cfg, status: ok}
			checks := p.checks()
			byName := map[string]poslink.HealthCheck{}
			var names []string
			for _, c := range checks {
				byName[c.Name] = c
				names = append(names, c.Name)
			}
			if got := strings.Join(names, ","); got != "storage,keys,scanner,camera,boot-slot,journal,interrupted" {
				t.Fatalf("checks %s", got)
			}
			if d := byName["storage"].Detail; !strings.HasPrefix(d, tt.storage) {
				t.Errorf("storage %q, want %q", d, tt.storage)
			}
			if d := byName["keys"].Detail; !strings.HasPrefix(d, tt.keys) {
				t.Errorf("keys %q, want %q", d, tt.keys)
			}
			if byName["boot-slot"].Detail != "unknown" || byName["scanner"].OK || byName["journal"].OK {
				t.Errorf("no devices, slot or journal: %v", checks)
			}
			// No journal is open here, so the status is Maintenance
			// whatever else; with it taken out, the table's status.
			if got := globalStatus(checks, ok); got != "Maintenance" {
				t.Errorf("status without a journal %q", got)
			}
			var rest []poslink.HealthCheck
			for _, c := range checks {
				if c.Name != "journal" {
					rest = append(rest, c)
				}
			}
			if got := globalStatus(rest, ok); got != tt.status {
				t.Errorf("status %q, want %q", got, tt.status)
			}
		})
	}
}

func errNotExist() error { return os.ErrNotExist }
