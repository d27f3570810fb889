//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdev

import (
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
func eviocgabs(code int) uintptr     { return iocR(0x40+code, int(unsafe.Sizeof(absInfo{}))) }

// absInfo is struct input_absinfo.
type absInfo struct {
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

func getBits(f *os.File, req func(size int) uintptr, n int) (bits, error) {
	b := make([]byte, (n+63)/64*8)
	if err := ioctl(f, req(len(b)), unsafe.Pointer(&b[0])); err != nil {
		return nil, err
	}
	return bitsFrom(b), nil
}

func getAbs(f *os.File, code int) (absInfo, error) {
	var a absInfo
	err := ioctl(f, eviocgabs(code), unsafe.Pointer(&a))
	return a, err
}

// getSlots reads one ABS_MT_* value for n slots (EVIOCGMTSLOTS).
func getSlots(f *os.File, code, n int) ([]int32, error) {
	buf := make([]int32, n+1)
	buf[0] = int32(code)
	if err := ioctl(f, eviocgmtslots(4*len(buf)), unsafe.Pointer(&buf[0])); err != nil {
		return nil, err
	}
	return buf[1:], nil
}
