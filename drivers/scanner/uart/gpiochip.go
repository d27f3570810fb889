package uart

import (
	"fmt"

	"periph.io/x/conn/v3/driver/driverreg"
	"periph.io/x/host/v3/gpioioctl"
)

// OpenTrigger drives line offset of the GPIO character device chip (e.g.
// /dev/gpiochip0) through the kernel's GPIO v2 ioctls, and sets it
// inactive at once so the module stays idle until armed.
//
// The first Set requests the line as an output; the kernel drives 0 until
// periph writes the level, so an active-low trigger sees a pulse of a few
// microseconds at open. Modules debounce their trigger input over
// milliseconds, and opening at boot keeps the pulse away from any capture.
func OpenTrigger(chip string, offset int, activeLow bool) (Trigger, error) {
	// periph finds the chips when its drivers are initialised; Init runs
	// once per process and returns the same state after.
	if _, err := driverreg.Init(); err != nil {
		return nil, fmt.Errorf("uart: gpio: %w", err)
	}
	for _, c := range gpioioctl.Chips {
		if c.Path() != chip {
			continue
		}
		if offset < 0 || offset >= c.LineCount() {
			return nil, fmt.Errorf("uart: gpio %s has %d lines, no line %d", chip, c.LineCount(), offset)
		}
		line := c.ByNumber(offset)
		t := PinTrigger{Pin: line, ActiveLow: activeLow, Release: func() error { line.Close(); return nil }}
		if err := t.Set(false); err != nil {
			line.Close()
			return nil, err
		}
		return t, nil
	}
	return nil, fmt.Errorf("uart: gpio chip %s not found", chip)
}
