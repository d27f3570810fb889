//go:build !linux || !(amd64 || arm64 || riscv64 || loong64)

package evdev

import "errors"

var errUnsupported = errors.New("evdev: input devices need 64-bit Linux")

// Open fails: event devices are read only on 64-bit Linux.
func Open(path string, opts Options) (*Device, error) { return nil, errUnsupported }

// Find fails: event devices are read only on 64-bit Linux.
func Find() (string, error) { return "", errUnsupported }
