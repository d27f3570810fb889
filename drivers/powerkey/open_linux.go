//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package powerkey

import (
	"context"
	"fmt"
	"os"

	"payterm/drivers/internal/evdevio"
)

// Find returns the power key in /dev/input: the event device with
// KEY_POWER and the fewest other keys (see findIn).
func Find() (string, error) {
	return findIn("/dev/input", func(path string) (evdevio.Bits, error) {
		f, err := os.OpenFile(path, os.O_RDONLY, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return evdevio.EventBits(f, evdevio.EvKey, evdevio.KeyCnt)
	})
}

// Watch reports presses of the power key on the event device at path
// (e.g. /dev/input/event1), or with path "" on the one Find returns. The
// channel gets a value per press (presses not yet received merge into
// one) and closes when ctx ends or the device fails or goes away. A
// device that cannot report KEY_POWER is an error.
func Watch(ctx context.Context, path string) (<-chan struct{}, error) {
	if path == "" {
		var err error
		if path, err = Find(); err != nil {
			return nil, err
		}
	}
	// os.OpenFile registers a character device with the poller, so
	// closing it unblocks a pending read.
	f, err := os.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("powerkey: open: %w", err)
	}
	keys, err := evdevio.EventBits(f, evdevio.EvKey, evdevio.KeyCnt)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("powerkey: %s: EVIOCGBIT(EV_KEY): %w", path, err)
	}
	if !keys.Has(KeyPower) {
		name := evdevio.Name(f)
		f.Close()
		return nil, fmt.Errorf("powerkey: %s (%s): no KEY_POWER", path, name)
	}
	return watch(ctx, f), nil
}
