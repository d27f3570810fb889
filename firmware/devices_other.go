//go:build !arm64

package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"payterm/board"
	"payterm/drivers/camera/camsim"
	"payterm/drivers/display/displaysim"
	"payterm/drivers/scanner"
	"payterm/drivers/scanner/scannersim"
	"payterm/drivers/touch/touchsim"
	"payterm/firmware/virtual"
)

// openDevices opens the board's parts. Off arm64 only the simulated board
// exists: the virtual terminal.
func openDevices(b board.Board, cfg config, log *slog.Logger) (*devices, error) {
	if b.Display.Device != "sim" {
		return nil, errors.New("board " + b.Name + ": hardware drivers are built for arm64 only; use -board sim")
	}
	panel := displaysim.New(b.Display.Width, b.Display.Height)
	tp := touchsim.New()
	d := &devices{display: panel, touch: tp, scanner: scanner.None}
	var sc *scannersim.Scanner
	if b.Scanner.UART != "" {
		sc = scannersim.New()
		d.scanner = sc
	}
	var cam *camsim.Camera
	if b.Camera.Device != "" {
		cam = camsim.New(camsim.Options{Logger: log})
		d.camera = cam
	}
	d.web = func(ctx context.Context, state func() any) error {
		vs := &virtual.Server{Panel: panel, Touch: tp, Scanner: sc, Camera: cam, State: state, Log: log}
		return serveHTTP(ctx, cfg.Web, vs.Handler(), log)
	}
	return d, nil
}

// serveHTTP serves h on addr until ctx ends. Requests run under ctx: the
// page's frame stream never goes idle, so Shutdown alone would wait for
// it in vain and leave it open.
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if hs.Shutdown(sctx) != nil {
			hs.Close()
		}
	}()
	log.Info("virtual terminal", "url", "http://"+ln.Addr().String()+"/")
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
