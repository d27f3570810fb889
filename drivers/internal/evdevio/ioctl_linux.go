//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdevio

import (
	"bytes"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl request numbers from include/uapi/linux/input.h, encoded as
// include/uapi/asm-generic/ioctl.h does (dir<<30 | size<<16 | type<<8 |
// nr), which the architectures in this file's build constraint use.
const iocRead = 2

func iocR(nr, size int) uintptr {
	return uintptr(iocRead)<<30 | uintptr(size)<<16 | uintptr('E')<<8 | uintptr(nr)
}

func eviocgname(size int) uintptr    { return iocR(0x06, size) }
func eviocgmtslots(size int) uintptr { return iocR(0x0a, size) }
func eviocgkey(size int) uintptr     { return iocR(0x18, size) }
func eviocgbit(ev, size int) uintptr { return iocR(0x20+ev, size) }
func eviocgabs(code int) uintptr     { return iocR(0x40+code, int(unsafe.Sizeof(AbsInfo{}))) }

// AbsInfo is struct input_absinfo: an absolute axis's value and range.
type AbsInfo struct {
	Value, Minimum, Maximum, Fuzz, Flat, Resolution int32
}

// ioctl runs one ioctl on f through its raw connection: f.Fd() would put
// the descriptor back into blocking mode and break read deadlines.
func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(arg))
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

func getBits(f *os.File, req uintptr, b []byte) (Bits, error) {
	if err := ioctl(f, req, unsafe.Pointer(&b[0])); err != nil {
		return nil, err
	}
	return BitsFrom(b), nil
}

// bitmapBytes is the size of a kernel bitmap of n bits, in whole longs.
func bitmapBytes(n int) int { return max((n+63)/64, 1) * 8 }

// Name is the device's name (EVIOCGNAME), "" when it has none.
func Name(f *os.File) string {
	b := make([]byte, 256)
	if err := ioctl(f, eviocgname(len(b)), unsafe.Pointer(&b[0])); err != nil {
		return ""
	}
	n, _, _ := bytes.Cut(b, []byte{0})
	return string(n)
}

// EventBits is the codes of event type ev (EvKey, EvAbs…) the device can
// report (EVIOCGBIT), as a bitmap of n bits (KeyCnt, AbsCnt…).
func EventBits(f *os.File, ev, n int) (Bits, error) {
	size := bitmapBytes(n)
	return getBits(f, eviocgbit(ev, size), make([]byte, size))
}

// KeyState is the keys held down now (EVIOCGKEY), as a bitmap of KeyCnt
// bits.
func KeyState(f *os.File) (Bits, error) {
	size := bitmapBytes(KeyCnt)
	return getBits(f, eviocgkey(size), make([]byte, size))
}

// Abs is an absolute axis's value and range (EVIOCGABS).
func Abs(f *os.File, code int) (AbsInfo, error) {
	var a AbsInfo
	err := ioctl(f, eviocgabs(code), unsafe.Pointer(&a))
	return a, err
}

// MTSlots reads one ABS_MT_* value for slots 0 to n-1 (EVIOCGMTSLOTS).
func MTSlots(f *os.File, code, n int) ([]int32, error) {
	buf := make([]int32, n+1)
	buf[0] = int32(code)
	if err := ioctl(f, eviocgmtslots(4*len(buf)), unsafe.Pointer(&buf[0])); err != nil {
		return nil, err
	}
	return buf[1:], nil
}
