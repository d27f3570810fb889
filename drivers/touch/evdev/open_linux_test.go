//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdev

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRejects(t *testing.T) {
	opts := Options{Panel: testConfig().Panel}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), opts); err == nil {
		t.Error("opened a missing device")
	}
	// /dev/null answers every EVIOC* ioctl with ENOTTY.
	if _, err := Open("/dev/null", opts); err == nil || !strings.Contains(err.Error(), "EVIOCGBIT") {
		t.Errorf("Open(/dev/null) = %v, want an EVIOCGBIT error", err)
	}
}
