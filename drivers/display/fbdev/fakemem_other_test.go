//go:build !unix

package fbdev

import (
	"errors"
	"os"
)

func mapFile(f *os.File, length int) ([]byte, error) {
	return nil, errors.New("fake: no mmap on this platform")
}

func unmapFile(b []byte) error { return nil }
