package main

import (
	"context"
	"log/slog"
	"time"

	"payterm/drivers/powerkey"
	"payterm/firmware/pid1"
)

// Looking for the power key: gpio-keys registers its input device while
// its module loads, before the terminal starts, so the first try
// normally finds it; the retries cover a slow probe. A board without one
// is fine.
const (
	powerKeyTries = 10
	powerKeyRetry = 500 * time.Millisecond
)

// watchPowerKey turns presses of the power key into power-off requests
// until ctx ends. A missing key is logged once; a key that goes away is
// logged and not looked for again.
func watchPowerKey(ctx context.Context, reqs chan<- shutdown, log *slog.Logger) {
	var (
		path    string
		presses <-chan struct{}
		err     error
	)
	for try := 1; ; try++ {
		if path, err = powerkey.Find(); err == nil {
			if presses, err = powerkey.Watch(ctx, path); err == nil {
				break
			}
		}
		if try == powerKeyTries {
			log.Info("no power key", "err", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(powerKeyRetry):
		}
	}
	log.Info("power key", "device", path)
	for range presses {
		sendShutdown(ctx, reqs, shutdown{pid1.PowerOff, "power key"})
	}
	if ctx.Err() == nil {
		log.Warn("power key gone", "device", path)
	}
}
