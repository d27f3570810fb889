package powerkey

import (
	"fmt"

	"payterm/drivers/internal/evdevio"
)

// findIn returns the power key among the event devices in dir: of those
// whose key bitmap, as keys reads it, has KEY_POWER, the one with the
// fewest keys, the first in numeric order (event0, event1, …) among
// equals. A power button (gpio-keys, a PMIC's) reports KEY_POWER alone;
// keyboards and remote controls — vivid registers one — have it among
// many other keys and are not the terminal's button. A device keys
// cannot read is skipped.
func findIn(dir string, keys func(path string) (evdevio.Bits, error)) (string, error) {
	paths, err := evdevio.EventNodes(dir)
	if err != nil {
		return "", fmt.Errorf("powerkey: find: %w", err)
	}
	best, fewest := "", 0
	for _, path := range paths {
		k, err := keys(path)
		if err != nil || !k.Has(KeyPower) {
			continue
		}
		if n := k.Count(); best == "" || n < fewest {
			best, fewest = path, n
		}
	}
	if best == "" {
		return "", fmt.Errorf("powerkey: find: no power key among %d event devices in %s", len(paths), dir)
	}
	return best, nil
}
