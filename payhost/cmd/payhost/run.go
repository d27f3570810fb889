package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"payterm/payhost/facerec"
	"payterm/payhost/sandbox"
)

// shutdownGrace is how long in-flight requests may finish after a signal.
const shutdownGrace = 5 * time.Second

// run serves until ctx ends. It prints "terminal ID registered" for each
// -terminal, "demo account ID" with -seed-demo, and "listening on ADDR"
// (the real address, useful with port 0) last, to out.
func run(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("payhost", flag.ContinueOnError)
	fs.SetOutput(out)
	listen := fs.String("listen", "127.0.0.1:8090", "address to serve the HTTP API on")
	dbPath := fs.String("db", "payhost.db", "database file (created if absent)")
	seed := fs.Bool("seed-demo", false, `ensure an account "Demo customer" with CNY 1000.00 and print its id`)
	faceKeyPath := fs.String("face-key", "", "the host's private face key, hex (`FILE`); enables face payments and enrolment")
	faceKeyCreate := fs.Bool("face-key-create", false, "create the -face-key file with a new key when it is absent (development)")
	faceModel := fs.String("face-model", facerec.DefaultModelDir("."), "face-recognition model directory (tools/deps.sh installs it)")
	var terminals terminalFlags
	fs.Var(&terminals, "terminal", "register a terminal's Ed25519 key, `ID=HEXPUBKEY` (repeatable; replaces its key)")
	err := fs.Parse(args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	opts := sandbox.Options{Logger: log}
	if *faceKeyPath != "" {
		if opts.FaceKey, err = loadFaceKey(*faceKeyPath, *faceKeyCreate); err != nil {
			return err
		}
		recog, err := facerec.Load(*faceModel)
		if err != nil {
			return fmt.Errorf("%w (run tools/deps.sh, or point -face-model at the model)", err)
		}
		opts.Recognizer = recog
	}
	host, err := sandbox.Open(*dbPath, opts)
	if err != nil {
		return err
	}
	if opts.FaceKey != nil {
		fmt.Fprintln(out, "face key X25519", hex.EncodeToString(opts.FaceKey.Public()))
	}
	defer host.Close()
	if err := host.Verify(ctx); err != nil {
		// Broken books are worth knowing at once, but the operator may
		// still want to inspect them through the API.
		log.Error("ledger does not verify", "err", err)
	}
	if err := terminals.register(ctx, host); err != nil {
		return err
	}
	for _, t := range terminals {
		fmt.Fprintln(out, "terminal", t.id, "registered")
	}
	if *seed {
		acct, err := seedDemo(ctx, host)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "demo account", acct.ID)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           host.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintln(out, "listening on", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
