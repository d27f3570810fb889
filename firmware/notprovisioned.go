package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"payterm/firmware/document"
	"time"

	"golang.org/x/sync/errgroup"

	"payterm/board"
	"payterm/drivers/display"
	"payterm/firmware/checkout"
	"payterm/ui"
)

// runTerminal runs the terminal until ctx ends: serve when the
// configuration provisions it, else serveNotProvisioned. PID 1 and the
// command line both start the terminal through here.
func runTerminal(ctx context.Context, cfg config, log *slog.Logger) error {
	if why := cfg.notProvisioned(); why != "" {
		return serveNotProvisioned(ctx, cfg, why, log)
	}
	return serve(ctx, cfg, log)
}

// serveNotProvisioned shows "Not provisioned" and why on the display
// until ctx ends, and does nothing else: no POS link (HTTPS or serial),
// no journal, no ServiceID store, no key of any kind. It keeps the
// heartbeat going, since nothing is hung. On board sim the virtual
// terminal's page shows the screen.
func serveNotProvisioned(ctx context.Context, cfg config, why string, log *slog.Logger) error {
	log.Error("terminal not provisioned: the POS link is off and no key is loaded; write a valid configuration with link keys and a terminal_key", "reason", why)
	b, err := board.Lookup(cfg.Board)
	if err != nil {
		return err
	}
	devs, err := openDevices(b, cfg, log)
	if err != nil {
		return err
	}
	defer devs.halt(log)
	scr, err := newUIScreen(cfg, b, devs, log)
	if err != nil {
		return err
	}
	view := checkout.View{Screen: checkout.ScreenNotProvisioned, Message: why}
	scr.show(view)

	g, ctx := errgroup.WithContext(ctx)
	if devs.web != nil {
		g.Go(func() error {
			return devs.web(ctx, func() any {
				v, _ := scr.snapshot()
				return map[string]any{"phase": "not-provisioned", "screen": v.Screen.String(), "message": v.Message, "buttons": []any{}}
			})
		})
	}
	g.Go(func() error {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			cfg.alive.beat()
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
	err = g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// newUIScreen is the ui renderer on the board's display, with the fonts
// in the data directory or the system's.
func newUIScreen(cfg config, b board.Board, devs *devices, log *slog.Logger) (*uiScreen, error) {
	fonts, err := ui.DefaultFonts(filepath.Join(cfg.DataDir, "fonts"))
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	if !fonts.HasFallback() {
		log.Warn("no CJK font found: Chinese, Japanese and Korean labels will show as boxes")
	}
	bounds := devs.display.Bounds()
	render, err := document.SelfRenderer()
	if err != nil {
		return nil, err
	}
	docs := &documents{render: render}
	opts := ui.Options{
		Layout: ui.Layout{W: bounds.Dx(), H: bounds.Dy(), Rotation: b.Display.Rotation},
		Fonts:  fonts,
		Name:   cfg.POIID,
		Pages:  docs,
	}
	// A panel whose memory is BGRA gets frames drawn in its own format:
	// no conversion between the renderer and the glass.
	native, _ := devs.display.(display.BGRADrawer)
	if native != nil && native.NativeBGRA() {
		opts.Format = ui.FormatBGRA
	} else {
		native = nil
	}
	r, err := ui.New(opts)
	if err != nil {
		return nil, err
	}
	return &uiScreen{log: log, r: r, disp: devs.display, native: native, docs: docs}, nil
}

// startTestHang is a test hook, off unless cfg.testHang is set (kernel
// command line payterm.test.hang=<duration>, read by PID 1 only): that
// long after start it blocks the engine loop for good, as a deadlock
// would, so that a system test can watch the watchdog reset the
// terminal. Never set it on a terminal in service.
func startTestHang(ctx context.Context, cfg config, e *engine, log *slog.Logger) {
	if cfg.testHang <= 0 {
		return
	}
	go func() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(cfg.testHang):
		}
		log.Warn("test hook: blocking the engine loop", "after", cfg.testHang)
		e.do(ctx, func() { select {} })
	}()
}
