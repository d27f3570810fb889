//go:build !linux

package ptypair

import "errors"

// Open is only implemented on Linux.
func Open() (*Pair, error) {
	return nil, errors.New("ptypair: not supported on this system")
}
