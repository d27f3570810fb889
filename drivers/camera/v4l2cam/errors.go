package v4l2cam

import (
	"errors"
	"fmt"
	"syscall"
)

// ErrStalled means the device streamed no frame for Options.Stall.
var ErrStalled = errors.New("v4l2cam: no frame from the device")

// temporary reports errors that mean "nothing yet, try again": a
// non-blocking dequeue with no buffer filled, or a signal.
func temporary(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)
}

// guard turns a panic in the code below it (go4vl, cgo glue, a driver
// returning nonsense) into an error, so a camera fault never takes down
// PID 1. Use as: defer guard(&err, "dequeue").
func guard(err *error, op string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("v4l2cam: %s: panic: %v", op, r)
	}
}
