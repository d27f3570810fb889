//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package evdev

import (
	"fmt"
	"os"

	"payterm/drivers/internal/evdevio"
)

// Open opens the event device at path (e.g. /dev/input/event0) as a touch
// panel. The axis ranges come from the device unless opts.Calibration
// overrides them. Contacts already down are ignored until they lift.
func Open(path string, opts Options) (*Device, error) {
	// os.OpenFile registers a character device with the poller, so reads
	// honour deadlines and Close unblocks them.
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("evdev: open: %w", err)
	}
	info, err := probe(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("evdev: %s: %w", path, err)
	}
	if !info.isTouch() {
		f.Close()
		return nil, fmt.Errorf("evdev: %s (%s): not a touch device", path, info.name)
	}
	cfg := opts.config(info)
	cfg.Resync = func() (Snapshot, error) { return snapshot(f, info) }
	dec, err := NewDecoder(f, cfg)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("evdev: %s: %w", path, err)
	}
	if s, err := snapshot(f, info); err == nil {
		dec.load(s, false)
	}
	return newDevice(fmt.Sprintf("%s (%s)", path, info.name), f, dec, opts.logger()), nil
}

// Find returns the first touch device in /dev/input: one with ABS_X, ABS_Y
// and BTN_TOUCH or BTN_LEFT, or with protocol B multi-touch axes.
func Find() (string, error) {
	return findIn("/dev/input", func(path string) (*deviceInfo, error) {
		f, err := os.OpenFile(path, os.O_RDONLY, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return probe(f)
	})
}

// probe reads a device's name, capabilities and axis ranges.
func probe(f *os.File) (*deviceInfo, error) {
	info := &deviceInfo{name: evdevio.Name(f)}
	var err error
	if info.abs, err = evdevio.EventBits(f, evAbs, absCnt); err != nil {
		return nil, fmt.Errorf("EVIOCGBIT(EV_ABS): %w", err)
	}
	if info.keys, err = evdevio.EventBits(f, evKey, keyCnt); err != nil {
		return nil, fmt.Errorf("EVIOCGBIT(EV_KEY): %w", err)
	}
	axes := func(cx, cy int) (Calibration, error) {
		x, err := evdevio.Abs(f, cx)
		if err != nil {
			return Calibration{}, fmt.Errorf("EVIOCGABS(%#x): %w", cx, err)
		}
		y, err := evdevio.Abs(f, cy)
		if err != nil {
			return Calibration{}, fmt.Errorf("EVIOCGABS(%#x): %w", cy, err)
		}
		return Calibration{X: Axis{x.Minimum, x.Maximum}, Y: Axis{y.Minimum, y.Maximum}}, nil
	}
	if info.abs.Has(absX) && info.abs.Has(absY) {
		if info.single, err = axes(absX, absY); err != nil {
			return nil, err
		}
	}
	if info.multiTouch() {
		if info.multi, err = axes(absMTPositionX, absMTPositionY); err != nil {
			return nil, err
		}
		slot, err := evdevio.Abs(f, absMTSlot)
		if err != nil {
			return nil, fmt.Errorf("EVIOCGABS(ABS_MT_SLOT): %w", err)
		}
		info.slots = min(max(int(slot.Maximum)+1, 1), maxSlots)
	}
	return info, nil
}

// snapshot reads the device's current state for the decoder.
func snapshot(f *os.File, info *deviceInfo) (Snapshot, error) {
	var s Snapshot
	keys, err := evdevio.KeyState(f)
	if err != nil {
		return s, fmt.Errorf("evdev: EVIOCGKEY: %w", err)
	}
	s.Touching = keys.Has(btnTouch) || keys.Has(btnLeft)
	if info.abs.Has(absX) && info.abs.Has(absY) {
		x, err := evdevio.Abs(f, absX)
		if err != nil {
			return s, fmt.Errorf("evdev: EVIOCGABS(ABS_X): %w", err)
		}
		y, err := evdevio.Abs(f, absY)
		if err != nil {
			return s, fmt.Errorf("evdev: EVIOCGABS(ABS_Y): %w", err)
		}
		s.X, s.Y = x.Value, y.Value
	}
	if info.slots == 0 {
		return s, nil
	}
	slot, err := evdevio.Abs(f, absMTSlot)
	if err != nil {
		return s, fmt.Errorf("evdev: EVIOCGABS(ABS_MT_SLOT): %w", err)
	}
	ids, err := evdevio.MTSlots(f, absMTTrackingID, info.slots)
	if err != nil {
		return s, fmt.Errorf("evdev: EVIOCGMTSLOTS(ABS_MT_TRACKING_ID): %w", err)
	}
	xs, err := evdevio.MTSlots(f, absMTPositionX, info.slots)
	if err != nil {
		return s, fmt.Errorf("evdev: EVIOCGMTSLOTS(ABS_MT_POSITION_X): %w", err)
	}
	ys, err := evdevio.MTSlots(f, absMTPositionY, info.slots)
	if err != nil {
		return s, fmt.Errorf("evdev: EVIOCGMTSLOTS(ABS_MT_POSITION_Y): %w", err)
	}
	s.Slot = slot.Value
	s.Slots = make([]SlotState, info.slots)
	for i := range s.Slots {
		s.Slots[i] = SlotState{TrackingID: ids[i], X: xs[i], Y: ys[i]}
	}
	return s, nil
}
