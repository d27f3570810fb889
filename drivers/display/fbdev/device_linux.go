package fbdev

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// fdDevice is a framebuffer character device opened read-write.
type fdDevice struct{ fd int }

func (d *fdDevice) ioctlPtr(req uintptr, arg unsafe.Pointer) error {
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(d.fd), req, uintptr(arg)); errno != 0 {
		return errno
	}
	return nil
}

func (d *fdDevice) varInfo(v *varScreenInfo) error {
	return d.ioctlPtr(ioctlGetVScreenInfo, unsafe.Pointer(v))
}

func (d *fdDevice) fixInfo(f *fixScreenInfo) error {
	return d.ioctlPtr(ioctlGetFScreenInfo, unsafe.Pointer(f))
}

func (d *fdDevice) pan(v *varScreenInfo) error {
	return d.ioctlPtr(ioctlPanDisplay, unsafe.Pointer(v))
}

// blank passes the level by value, as FBIOBLANK expects.
func (d *fdDevice) blank(level int) error {
	return unix.IoctlSetInt(d.fd, ioctlBlank, level)
}

func (d *fdDevice) mmap(length int) ([]byte, error) {
	return unix.Mmap(d.fd, 0, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

func (d *fdDevice) munmap(b []byte) error { return unix.Munmap(b) }

func (d *fdDevice) close() error { return unix.Close(d.fd) }
