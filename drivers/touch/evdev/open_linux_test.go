//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdev

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestIoctlNumbers(t *testing.T) {
	// Values of the kernel's macros, worked out by hand from input.h and
	// asm-generic/ioctl.h: _IOC_READ<<30 | size<<16 | 'E'<<8 | nr.
	tests := []struct {
		name      string
		got, want uintptr
	}{
		{"EVIOCGNAME(256)", eviocgname(256), 0x81004506},
		{"EVIOCGBIT(EV_ABS, 8)", eviocgbit(evAbs, 8), 0x80084523},
		{"EVIOCGBIT(EV_KEY, 96)", eviocgbit(evKey, 96), 0x80604521},
		{"EVIOCGABS(ABS_X)", eviocgabs(absX), 0x80184540},
		{"EVIOCGABS(ABS_MT_SLOT)", eviocgabs(absMTSlot), 0x8018456f},
		{"EVIOCGKEY(96)", eviocgkey(96), 0x80604518},
		{"EVIOCGMTSLOTS(68)", eviocgmtslots(68), 0x8044450a},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

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
