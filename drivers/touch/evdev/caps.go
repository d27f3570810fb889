package evdev

import (
	"fmt"

	"payterm/drivers/internal/evdevio"
)

// deviceInfo is what probing an event device found.
type deviceInfo struct {
	name          string       // EVIOCGNAME
	abs, keys     evdevio.Bits // EVIOCGBIT(EV_ABS), EVIOCGBIT(EV_KEY)
	single, multi Calibration
	slots         int // ABS_MT_SLOT maximum + 1; 0 for single-touch
}

// singleTouch: absolute X and Y and a button that says "touching".
func (i *deviceInfo) singleTouch() bool {
	return i.abs.Has(absX) && i.abs.Has(absY) && (i.keys.Has(btnTouch) || i.keys.Has(btnLeft))
}

// multiTouch: protocol B slots with positions. Protocol A devices are left
// to their single-touch emulation.
func (i *deviceInfo) multiTouch() bool {
	return i.abs.Has(absMTSlot) && i.abs.Has(absMTPositionX) && i.abs.Has(absMTPositionY)
}

// isTouch says whether the decoder can follow a finger on the device. The
// button requirement keeps joysticks and accelerometers, which also have
// ABS_X and ABS_Y, out.
func (i *deviceInfo) isTouch() bool { return i.singleTouch() || i.multiTouch() }

// findIn returns the first event device in dir (event0, event1, … in
// numeric order) that probe says is a touch device.
func findIn(dir string, probe func(path string) (*deviceInfo, error)) (string, error) {
	paths, err := evdevio.EventNodes(dir)
	if err != nil {
		return "", fmt.Errorf("evdev: find: %w", err)
	}
	for _, path := range paths {
		if info, err := probe(path); err == nil && info.isTouch() {
			return path, nil
		}
	}
	return "", fmt.Errorf("evdev: find: no touch device among %d in %s", len(paths), dir)
}
