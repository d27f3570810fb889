// Command payterm is the terminal firmware: one binary that runs as PID 1 on
// a terminal, or as the virtual terminal on a developer's machine (board
// sim). main parses flags and calls run.
//
// Start sequence (run):
//  1. read the configuration and pick the board;
//  2. open the board's devices (optional ones degrade with a log line);
//  3. open the journal and the ServiceID store in the data directory;
//  4. start the checkout engine, then the POS link (HTTPS, serial);
//  5. serve until SIGINT/SIGTERM, then halt the devices.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"payterm/firmware/pid1"
)

func main() {
	if err := run(os.Args[1:]); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "payterm:", err)
		os.Exit(1)
	}
}

type flags struct {
	config  string
	board   string
	dataDir string
	https   string
	serial  string
	web     string
}

func parseFlags(args []string) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("payterm", flag.ContinueOnError)
	fs.StringVar(&f.config, "config", "", "configuration file (JSON); dev defaults when empty")
	fs.StringVar(&f.board, "board", "", "board name (sim, qemu-virt); overrides the configuration")
	fs.StringVar(&f.dataDir, "data", "", "data directory; overrides the configuration")
	fs.StringVar(&f.https, "https", "", "nexo HTTPS listen address; overrides the board's")
	fs.StringVar(&f.serial, "serial", "", "POS serial port (\"-\" for none); overrides the board's")
	fs.StringVar(&f.web, "web", "", "virtual terminal page address (board sim)")
	return f, fs.Parse(args)
}

func run(args []string) error {
	setMemoryLimit()
	if os.Getpid() == 1 {
		return runInit()
	}
	f, err := parseFlags(args)
	if err != nil {
		return err
	}
	cfg, err := loadConfigFile(f.config)
	if err != nil {
		return err
	}
	for dst, src := range map[*string]string{&cfg.Board: f.board, &cfg.DataDir: f.dataDir, &cfg.HTTPS: f.https, &cfg.Serial: f.serial, &cfg.Web: f.web} {
		if src != "" {
			*dst = src
		}
	}
	cfg.logRing = pid1.NewRing(0)
	log := slog.New(slog.NewTextHandler(io.MultiWriter(os.Stderr, cfg.logRing), &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Fprint(os.Stderr, cfg.banner())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log)
}
