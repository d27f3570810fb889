package pid1

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"time"
)

// Watchdog keeps a hardware watchdog (/dev/watchdog, e.g. QEMU's
// i6300esb) from resetting the terminal while the firmware is healthy.
// The zero value uses /dev/watchdog and feeds every 5 s.
type Watchdog struct {
	Device   string        // "": /dev/watchdog
	Interval time.Duration // between feeds; 0: 5 s (drivers default to 30 s or more)
	// Healthy, if set, is asked before each feed: a firmware that has
	// stopped serving is reset by the watchdog instead of being fed.
	Healthy func() bool
}

// ErrNoWatchdog is Run's answer on a board without a watchdog.
var ErrNoWatchdog = errors.New("pid1: no watchdog device")

// Run feeds the watchdog until ctx ends, then disarms it with the magic
// close ('V'), so a clean shutdown is not taken for a hang. Without the
// device it returns ErrNoWatchdog at once: optional hardware.
func (w Watchdog) Run(ctx context.Context, log *slog.Logger) error {
	f, err := os.OpenFile(or(w.Device, "/dev/watchdog"), os.O_WRONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return ErrNoWatchdog
	}
	if err != nil {
		return err
	}
	return w.feed(ctx, f, log)
}

func (w Watchdog) feed(ctx context.Context, f io.WriteCloser, log *slog.Logger) error {
	interval := w.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if w.Healthy == nil || w.Healthy() {
			if _, err := f.Write([]byte{0}); err != nil {
				log.Warn("watchdog feed", "err", err)
			}
		} else {
			log.Error("watchdog: firmware unhealthy, not feeding")
		}
		select {
		case <-ctx.Done():
			f.Write([]byte("V"))
			return f.Close()
		case <-t.C:
		}
	}
}
