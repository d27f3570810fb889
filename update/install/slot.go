package install

import (
	"fmt"
	"io"
	"os"
)

// FileSlot is a Slot backed by a file or a block device (the inactive
// slot's partition, /dev/mmcblk0p2).
type FileSlot struct {
	*os.File
	size int64
}

var _ Slot = (*FileSlot)(nil)

// OpenSlot opens path for reading and writing; its size is its length
// (a block device's too, found by seeking to its end).
func OpenSlot(path string) (*FileSlot, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("install: slot: %w", err)
	}
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("install: slot %s: %w", path, err)
	}
	return &FileSlot{File: f, size: size}, nil
}

// Size is the slot's length in bytes.
func (s *FileSlot) Size() int64 { return s.size }
