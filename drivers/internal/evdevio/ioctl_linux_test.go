//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdevio

import (
	"errors"
	"os"
	"syscall"
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
		{"EVIOCGBIT(EV_ABS, 8)", eviocgbit(EvAbs, 8), 0x80084523},
		{"EVIOCGBIT(EV_KEY, 96)", eviocgbit(EvKey, 96), 0x80604521},
		{"EVIOCGABS(ABS_X)", eviocgabs(0x00), 0x80184540},
		{"EVIOCGABS(ABS_MT_SLOT)", eviocgabs(0x2f), 0x8018456f},
		{"EVIOCGKEY(96)", eviocgkey(96), 0x80604518},
		{"EVIOCGMTSLOTS(68)", eviocgmtslots(68), 0x8044450a},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
	if bitmapBytes(KeyCnt) != 96 || bitmapBytes(AbsCnt) != 8 || bitmapBytes(0) != 8 {
		t.Errorf("bitmap sizes %d, %d, %d; want 96, 8, 8", bitmapBytes(KeyCnt), bitmapBytes(AbsCnt), bitmapBytes(0))
	}
}

func TestIoctlsOnANonInputDevice(t *testing.T) {
	// /dev/null answers every EVIOC* ioctl with ENOTTY; qemu-user, which
	// runs the arm64 tests, refuses ioctls it does not know with ENOSYS.
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	refused := func(err error) bool { return errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.ENOSYS) }
	if _, err := EventBits(f, EvKey, KeyCnt); !refused(err) {
		t.Errorf("EventBits: %v, want ENOTTY", err)
	}
	if _, err := KeyState(f); !refused(err) {
		t.Errorf("KeyState: %v, want ENOTTY", err)
	}
	if _, err := Abs(f, 0); !refused(err) {
		t.Errorf("Abs: %v, want ENOTTY", err)
	}
	if _, err := MTSlots(f, 0x39, 2); !refused(err) {
		t.Errorf("MTSlots: %v, want ENOTTY", err)
	}
	if n := Name(f); n != "" {
		t.Errorf("Name %q, want none", n)
	}
}
