//go:build !linux || !cgo

package v4l2cam

import (
	"errors"

	"payterm/drivers/camera"
)

// openDevice needs go4vl's v4l2 package, which is Linux and cgo only.
func openDevice(string, camera.Format, int) (device, error) {
	return nil, errors.New("v4l2cam: V4L2 needs Linux and cgo")
}
