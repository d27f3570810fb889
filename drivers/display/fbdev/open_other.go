//go:build !linux

package fbdev

import "fmt"

// Open fails: framebuffer devices exist only on Linux.
func Open(path string) (*FB, error) {
	return nil, fmt.Errorf("fbdev: open %s: framebuffer devices need Linux", path)
}
