// Command payterm is the terminal firmware: one binary that runs as PID 1 on
// a terminal, or as the virtual terminal on a developer's machine (board
// sim). main parses flags and calls run.
//
// Start sequence (run):
//  1. read the configuration and pick the board; without keys it may use
//     (provision), show "not provisioned" and serve nothing else;
//  2. open the board's devices (optional ones degrade with a log line);
//  3. open the journal and the ServiceID store in the data directory;
//  4. start the checkout engine, then the POS link (HTTPS, serial);
//  5. serve until SIGINT/SIGTERM, then halt the devices.
//
// With -identity it only prints "POIID KEYID HEXPUBKEY" of the configured
// terminal key (what `payhost -terminal POIID=HEXPUBKEY` registers) and exits.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"payterm/firmware/document"
	"syscall"

	"payterm/firmware/pid1"
	"payterm/payhost"
)

func main() {
	// This binary is also its own PDF renderer (firmware/document).
	document.ExitIfRenderer()
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

	identity bool // print the terminal's identity and exit
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
	fs.BoolVar(&f.identity, "identity", false, `print "POIID KEYID HEXPUBKEY" of the terminal's signing key (for payhost -terminal POIID=HEXPUBKEY) and exit`)
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
	var cfg config
	if f.config == "" {
		// No file: the dev defaults on board sim, not provisioned on any
		// other.
		name := f.board
		if name == "" {
			name = "sim"
		}
		cfg = provision(name, "(none: -config not given)", config{}, os.ErrNotExist)
	} else if cfg, err = loadConfigFile(f.config); err != nil {
		return err
	}
	for dst, src := range map[*string]string{&cfg.Board: f.board, &cfg.DataDir: f.dataDir, &cfg.HTTPS: f.https, &cfg.Serial: f.serial, &cfg.Web: f.web} {
		if src != "" {
			*dst = src
		}
	}
	cfg = cfg.withDevKeys()
	if f.identity {
		return printIdentity(os.Stdout, cfg)
	}
	cfg.logRing = pid1.NewRing(0)
	log := slog.New(slog.NewTextHandler(io.MultiWriter(os.Stderr, cfg.logRing), &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Fprint(os.Stderr, cfg.banner())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runTerminal(ctx, cfg, log)
}

// printIdentity writes "POIID KEYID HEXPUBKEY": the terminal's name and
// the public half of the key it signs payment statements with, which the
// payment host must have registered.
func printIdentity(w io.Writer, cfg config) error {
	key, err := cfg.terminalKey()
	if err != nil {
		return err
	}
	pub := key.Public().(ed25519.PublicKey)
	_, err = fmt.Fprintln(w, cfg.POIID, payhost.KeyIDOf(pub), hex.EncodeToString(pub))
	return err
}
