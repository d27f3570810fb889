package fbdev

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Open opens the framebuffer device at path (e.g. /dev/fb0), maps its memory
// and unblanks it. Halt releases it.
func Open(path string) (*FB, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("fbdev: open %s: %w", path, err)
	}
	fb, err := newFB(path, &fdDevice{fd: fd})
	if err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	return fb, nil
}
