package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"payterm/firmware/otalink"
	"payterm/internal/version"
	"payterm/ui"
)

// updateParts are what the firmware needs to take an update from the
// POS: the installer (update/install) as a sink, the slot switch and
// restart, and what the last boot was. Open nil takes no updates (the
// link still reports the version).
type updateParts struct {
	Open    otalink.OpenSink
	Install otalink.Install
	Boot    func() otalink.Boot // nil: no A/B slots
}

// newUpdater returns the terminal's update receiver, or nil when the
// firmware has no installer. Its state lives in DataDir/update.
func newUpdater(cfg config, e *engine, scr *uiScreen, log *slog.Logger) (*otalink.Receiver, error) {
	if cfg.update.Open == nil {
		return nil, nil
	}
	if cfg.update.Install == nil {
		return nil, fmt.Errorf("update: an installer without Install cannot switch slots")
	}
	r, err := otalink.New(otalink.Config{
		Version:  version.Firmware(),
		Boot:     cfg.update.Boot,
		StateDir: filepath.Join(cfg.DataDir, "update"),
		Open:     cfg.update.Open,
		Install:  cfg.update.Install,
		WhenIdle: e.whenIdle,
		Progress: func(p otalink.Progress) { scr.setUpdate(e, ui.UpdateProgress{Done: p.Done, Total: p.Total}) },
		Log:      log,
	})
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	return r, nil
}

// whenIdle runs f in the engine loop once the checkout is idle, so no
// order can start while f runs: f (the slot switch) must start the
// restart before it returns. A busy checkout runs it at the end of the
// loop iteration that brings it back to idle; nothing polls meanwhile.
func (e *engine) whenIdle(ctx context.Context, f func()) error {
	ran := make(chan struct{})
	waiter := func() {
		if ctx.Err() != nil {
			return // given up: the receiver installs after the restart
		}
		f()
		close(ran)
	}
	if err := e.do(ctx, func() { e.atIdle = append(e.atIdle, waiter) }); err != nil {
		return err
	}
	select {
	case <-ran:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
