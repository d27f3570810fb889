package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/cashier"
	"payterm/pos/ocr"
	"payterm/pos/orderread"
	"payterm/pos/region"
)

// startScreenReader is the screen source of pos serve -region; it sets
// so.regionFile to the default when empty.
func startScreenReader(ctx context.Context, so *serveOptions) (*ocr.ScreenReader, error) {
	cur, err := order.LookupCurrency(so.currency)
	if err != nil {
		return nil, err
	}
	if so.regionFile == "" {
		if so.regionFile, err = region.DefaultPath(); err != nil {
			return nil, err
		}
	}
	return ocr.StartScreenReader(ctx, ocr.ScreenConfig{Display: so.display, RegionFile: so.regionFile, Currency: cur})
}

// serveOptions are pos serve's own flags.
type serveOptions struct {
	listen   string
	watch    string
	currency string
	auto     bool
	// region: the cashier page reads the POS screen (the saved region of
	// display) on "Read screen".
	region     bool
	regionFile string // empty: region.DefaultPath
	display    string // empty: $DISPLAY
	// bundle is the terminal bundle of this POS release, offered in the
	// background when the terminal runs an older version; "" none.
	bundle string
}

// serve runs the cashier page and the local order API on loopback, and
// watches a folder for receipt PDFs, CSV and JSON orders, until ctx ends.
func serve(ctx context.Context, a *pos.Agent, o options, so serveOptions, log *slog.Logger, stdout io.Writer) error {
	host, _, err := net.SplitHostPort(so.listen)
	if err != nil {
		return fmt.Errorf("serve: -listen: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("serve: -listen %s: the cashier page is for this machine only: use a loopback address", so.listen)
	}
	// A local bundle is opened now, so a wrong path stops serve at once;
	// a URL is fetched in the background with the sync, the cashier
	// page taking sales meanwhile.
	openSynced := func() (pos.Bundle, error) { return openBundle(ctx, so.bundle, o.bundleFrom, log, stdout) }
	if so.bundle != "" && !isBundleURL(so.bundle) {
		b, err := openSynced()
		if err != nil {
			return fmt.Errorf("serve: -bundle: %w", err)
		}
		openSynced = func() (pos.Bundle, error) { return b, nil }
	}
	cfg := cashier.Config{Payer: a, Mode: pos.Mode(o.mode), AutoSend: so.auto, Log: log}
	if so.region {
		sr, err := startScreenReader(ctx, &so)
		if err != nil {
			return fmt.Errorf("serve: -region: %w", err)
		}
		defer sr.Close()
		cfg.Screen = sr
		fmt.Fprintf(stdout, "Read screen reads the region saved in %s\n", so.regionFile)
	}
	desk := cashier.NewDesk(ctx, cfg)
	a.Charging = desk.Charging
	ln, err := net.Listen("tcp", so.listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: cashier.Handler(desk), ReadHeaderTimeout: 5 * time.Second}
	errs := make(chan error, 2)
	go func() { errs <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "cashier page http://%s/ (POST /orders for POS software)\n", ln.Addr())
	if so.watch != "" {
		f := &orderread.Folder{Dir: so.watch, Options: orderread.Options{Currency: so.currency}, Log: log,
			Handle: func(_ context.Context, r orderread.Read) error { return desk.Submit(r) }}
		go func() { errs <- f.Run(ctx) }()
		fmt.Fprintf(stdout, "watching %s for .pdf, .csv and .json orders\n", so.watch)
	}
	if so.bundle != "" {
		go syncInBackground(ctx, a, o, openSynced, stdout)
	}
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// syncInBackground is pos serve's terminal update: once, at start, it
// opens the bundle (downloading a URL into the cache), asks the
// terminal's version and sends the bundle when the terminal is older,
// logging progress a line per tenth, while the cashier page keeps taking
// sales over the same link (chunks of pos.DefaultChunk keep a sale's
// wait behind one short). The terminal installs at idle. A failure is
// logged; the next start of pos serve resumes the download and the
// transfer.
func syncInBackground(ctx context.Context, a *pos.Agent, o options, open func() (pos.Bundle, error), stdout io.Writer) {
	bundle, err := open()
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(stdout, "terminal update: -bundle: %v (pos serve resumes it when started again)\n", err)
		}
		return
	}
	fmt.Fprintf(stdout, "terminal update: offering %s (%s) when the terminal runs an older version\n", bundle.Version, bundle.Path)
	err = syncBundle(ctx, a, o, bundle, 0, newProgressBar(stdout, false, time.Now), stdout)
	if err != nil && ctx.Err() == nil {
		fmt.Fprintf(stdout, "terminal update: %v (pos serve resumes it when started again)\n", err)
	}
}
