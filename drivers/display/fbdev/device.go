package fbdev

// device is the kernel side of a framebuffer: the few ioctls and the memory
// mapping FB needs. The Linux implementation wraps a file descriptor; tests
// use a fake backed by a mapped temporary file.
type device interface {
	varInfo(*varScreenInfo) error // FBIOGET_VSCREENINFO
	fixInfo(*fixScreenInfo) error // FBIOGET_FSCREENINFO
	pan(*varScreenInfo) error     // FBIOPAN_DISPLAY
	blank(level int) error        // FBIOBLANK
	mmap(length int) ([]byte, error)
	munmap([]byte) error
	close() error
}
