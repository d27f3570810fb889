//go:build !linux || !(amd64 || arm64 || riscv64 || loong64)

package powerkey

import (
	"context"
	"errors"
)

var errUnsupported = errors.New("powerkey: input devices need 64-bit Linux")

// Find fails: event devices are read only on 64-bit Linux.
func Find() (string, error) { return "", errUnsupported }

// Watch fails: event devices are read only on 64-bit Linux.
func Watch(ctx context.Context, path string) (<-chan struct{}, error) { return nil, errUnsupported }
