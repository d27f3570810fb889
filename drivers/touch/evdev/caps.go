package evdev

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// bits is a kernel bitmap as EVIOCGBIT and EVIOCGKEY fill it: an array of
// unsigned longs (64-bit here) in the host's byte order, bit n in long
// n/64 at position n%64.
type bits []uint64

func bitsFrom(b []byte) bits {
	out := make(bits, len(b)/8)
	for i := range out {
		out[i] = binary.NativeEndian.Uint64(b[8*i:])
	}
	return out
}

func (b bits) has(n int) bool {
	return n >= 0 && n/64 < len(b) && b[n/64]>>(n%64)&1 != 0
}

// deviceInfo is what probing an event device found.
type deviceInfo struct {
	name          string // EVIOCGNAME
	abs, keys     bits   // EVIOCGBIT(EV_ABS), EVIOCGBIT(EV_KEY)
	single, multi Calibration
	slots         int // ABS_MT_SLOT maximum + 1; 0 for single-touch
}

// singleTouch: absolute X and Y and a button that says "touching".
func (i *deviceInfo) singleTouch() bool {
	return i.abs.has(absX) && i.abs.has(absY) && (i.keys.has(btnTouch) || i.keys.has(btnLeft))
}

// multiTouch: protocol B slots with positions. Protocol A devices are left
// to their single-touch emulation.
func (i *deviceInfo) multiTouch() bool {
	return i.abs.has(absMTSlot) && i.abs.has(absMTPositionX) && i.abs.has(absMTPositionY)
}

// isTouch says whether the decoder can follow a finger on the device. The
// button requirement keeps joysticks and accelerometers, which also have
// ABS_X and ABS_Y, out.
func (i *deviceInfo) isTouch() bool { return i.singleTouch() || i.multiTouch() }

// findIn returns the first event device in dir (event0, event1, … in
// numeric order) that probe says is a touch device.
func findIn(dir string, probe func(path string) (*deviceInfo, error)) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("evdev: find: %w", err)
	}
	var nums []int
	for _, e := range entries {
		if n, ok := strings.CutPrefix(e.Name(), "event"); ok {
			if i, err := strconv.Atoi(n); err == nil && i >= 0 {
				nums = append(nums, i)
			}
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		path := filepath.Join(dir, "event"+strconv.Itoa(n))
		if info, err := probe(path); err == nil && info.isTouch() {
			return path, nil
		}
	}
	return "", fmt.Errorf("evdev: find: no touch device among %d in %s", len(nums), dir)
}
