package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"payterm/board"
	"payterm/drivers/camera"
	"payterm/drivers/display"
	"payterm/drivers/scanner"
	"payterm/drivers/touch"
	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/firmware/journal"
	"payterm/firmware/poslink"
	"payterm/payhost"
)

// devices are the board's parts as opened. Display is essential; the
// others degrade to null objects with a log line.
type devices struct {
	display display.Display
	touch   touch.Touch     // nil: no touch panel
	scanner scanner.Scanner // scanner.None when absent
	camera  camera.Camera   // nil: no camera
	// web serves board-specific pages (the virtual terminal); nil for none.
	web func(ctx context.Context, state func() any) error
}

func (d *devices) halt(log *slog.Logger) {
	for _, h := range []interface{ Halt() error }{d.display, d.scanner} {
		if err := h.Halt(); err != nil {
			log.Warn("halt", "device", h, "err", err)
		}
	}
	if d.touch != nil {
		d.touch.Halt()
	}
	if d.camera != nil {
		d.camera.Halt()
	}
}

// serve runs the terminal until ctx ends. It returns once every part has
// stopped, the ServiceID store and the journal are closed and the devices
// halted, in that order.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	b, err := board.Lookup(cfg.Board)
	if err != nil {
		return err
	}
	if cfg.HTTPS == "" {
		cfg.HTTPS = b.Link.HTTPS
	}
	b = cfg.leaveOut(b)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	key, err := cfg.terminalKey()
	if err != nil {
		return err
	}
	modes, err := cfg.modes()
	if err != nil {
		return err
	}
	devs, err := openDevices(b, cfg, log)
	if err != nil {
		return err
	}
	defer devs.halt(log)

	jr, err := journal.Open(filepath.Join(cfg.DataDir, "journal.db"), key, time.Now)
	if err != nil {
		return &storageError{"journal", err}
	}
	defer jr.Close()
	logJournalOpened(jr, log)
	pays := newPayments()
	if err := pays.load(jr); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	store, err := poslink.OpenStore(filepath.Join(cfg.DataDir, "services.db"), poslink.StoreOptions{Log: log})
	if err != nil {
		return &storageError{"service store", err}
	}
	defer store.Close()

	scr, err := newUIScreen(cfg, b, devs, log)
	if err != nil {
		return err
	}

	hasScan := devs.scanner != scanner.None
	// The camera reads codes; it takes faces too when the face parts are
	// ready (a face key to seal to, the pipeline).
	face := newFaceParts(cfg, devs.camera, log)
	e := newEngine(log, time.Now, checkout.Config{HasScan: hasScan, HasCamera: devs.camera != nil, FaceKey: face != nil, TerminalID: cfg.POIID, Language: cfg.Language})
	var payer payhost.Client = noPayer{}
	e.alive = cfg.alive
	if cfg.PayHost != "" {
		payer = payhost.NewHTTPClient(cfg.PayHost, &http.Client{Timeout: payCall})
	}
	stm := attest.Signer{POIID: cfg.POIID, Key: key, Now: time.Now}
	p := &performer{ctx: ctx, log: log, e: e, screen: scr, scanner: devs.scanner, journal: journalAdapter{jr, pays},
		payer: payer, poiID: cfg.POIID, sign: stm.Sign}
	var cam *cameraUser
	if devs.camera != nil {
		cam = newCameraUser(devs.camera, log, e.post)
		if face != nil {
			cam.face = face.capture(devs.camera, e, scr, log)
		}
		p.camera = cam
	}
	e.perform = p.perform
	term := &terminal{e: e, signer: stm, modes: modes, payments: pays, stop: ctx, docs: scr.docs}
	defer scr.docs.close()

	link, err := newLink(cfg, term, store, func() string { return terminalStatus(e) }, newJournalExport(jr, log), log)
	if err != nil {
		return err
	}
	p.settle = link.settle
	updater, err := newUpdater(cfg, e, scr, log)
	if err != nil {
		return err
	}
	if updater != nil {
		link.srv.SetUpdater(updater)
	}
	status := func() string { return terminalStatus(e) }
	link.srv.SetDiagnose(diagnosisParts{cfg: cfg, devs: devs, journal: jr, store: store, status: status}.diagnose)

	g, ctx := errgroup.WithContext(ctx)
	p.ctx, term.stop = ctx, ctx
	scr.show(checkout.View{Screen: checkout.ScreenIdle})
	// Storage that cannot keep what the terminal records (tmpfs, journal
	// lost) means no payments: the checkout refuses orders, saying why.
	if !cfg.health.StorageOK() {
		log.Error("payments refused: storage is not persistent", "why", cfg.health.Storage)
		e.step(checkout.Health{Storage: cfg.health.Storage})
	}
	// Attempts a restart left open are resolved before any order: the
	// checkout refuses orders until they are.
	ended := link.settleInterrupted(pays)
	open := pays.openAttempts()
	relay := pays.openRelay(time.Now().Add(-e.snapshot().Config().Timeouts.Outcome))
	if len(open) > 0 || len(relay) > 0 || len(ended) > 0 {
		log.Warn("payments left open by a restart: resolving them first", "charges", len(open), "relay credentials", len(relay), "ended", len(ended))
		e.step(checkout.Recovered{Attempts: open, Relay: relay, Ended: ended})
	}
	g.Go(func() error { return e.run(ctx) })
	startTestHang(ctx, cfg, e, log)
	g.Go(func() error { readCodes(ctx, e, devs.scanner.Codes()); return nil })
	if devs.touch != nil {
		g.Go(func() error { readTouches(ctx, e, devs.touch, scr); return nil })
	}
	g.Go(func() error { return link.serveHTTPS(ctx, cfg.HTTPS) })
	if updater != nil {
		g.Go(func() error { return updater.Run(ctx) })
	}
	if port := serialPort(cfg, b); port != "" {
		g.Go(func() error { return link.serveSerial(ctx, port, serialBaud(cfg, b)) })
	}
	if cam != nil {
		g.Go(func() error { cam.run(ctx); return nil })
	}
	if devs.web != nil {
		g.Go(func() error { return devs.web(ctx, func() any { return simState(e, scr, devs.scanner, key) }) })
	}
	log.Info("terminal ready", "board", b.Name, "https", cfg.HTTPS)
	if cfg.slots != nil {
		g.Go(func() error { cfg.slots.selfChecked(selfCheck(ctx, cfg, jr, key, scr)); return nil })
	}
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// simState is the virtual terminal's /sim/state: the checkout phase, the
// screen and its buttons, read through the engine so it is consistent.
func simState(e *engine, scr *uiScreen, sc scanner.Scanner, key ed25519.PrivateKey) any {
	type rect struct{ X, Y, W, H int }
	type button struct {
		Action string `json:"action"`
		Label  string `json:"label"`
		Line   string `json:"line,omitempty"`
		Page   int    `json:"page"`
		Rect   rect   `json:"rect"`
	}
	st := map[string]any{}
	s := e.snapshot()
	st["phase"] = s.Phase().String()
	st["mode"] = s.Mode().String()
	if h := s.Hash(); !h.IsZero() {
		st["order_hash"] = h.String()
	}
	if h := s.Confirmed(); !h.IsZero() {
		st["confirmed_hash"] = h.String()
	}
	st["marked"] = s.Marked()
	v, btns := scr.snapshot()
	st["screen"] = v.Screen.String()
	st["message"] = v.Message
	st["digits"] = v.Digits
	if v.Order != nil {
		st["order_id"] = v.Order.ID
		st["total"] = v.Order.Total
		st["currency"] = v.Order.Currency.Code
		st["lines"] = len(v.Order.Lines)
	}
	if v.Screen == checkout.ScreenDocument {
		st["document"] = map[string]any{"pages": v.Doc.Pages, "page": v.Doc.Page, "scroll": v.Doc.Scroll, "receipt": v.Doc.Receipt}
	}
	bs := []button{}
	for _, b := range btns {
		bs = append(bs, button{Action: b.Action.String(), Label: b.Label, Line: b.Line, Page: b.Page,
			Rect: rect{b.Rect.Min.X, b.Rect.Min.Y, b.Rect.Dx(), b.Rect.Dy()}})
	}
	st["buttons"] = bs
	st["results"] = scr.shownResults()
	if armed, ok := sc.(interface{ Armed() bool }); ok {
		st["scanner_armed"] = armed.Armed()
	}
	st["terminal_public_key"] = fmt.Sprintf("%x", key.Public())
	return st
}

// terminalStatus is the nexo POIStatus: OK when idle, Busy with a customer.
func terminalStatus(e *engine) string {
	if e.snapshot().Phase() == checkout.Idle {
		return "OK"
	}
	return "Busy"
}
