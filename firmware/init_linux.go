package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"payterm/board"
	"payterm/firmware/pid1"
)

// runInit is the firmware as PID 1 on a terminal. Boot order:
//  1. pid1.Boot: kernel file systems, console log, reaper, board from the
//     kernel command line or device tree, modules, loopback, the data
//     partition (a tmpfs when it cannot be mounted: the terminal works
//     without persistence rather than not at all), watchdog;
//  2. the board's network interface;
//  3. the kernel console off the framebuffer;
//  4. resource use logged every payterm.stats (statsEvery);
//  5. the terminal itself, its state on the data partition, or in
//     memory when the partition is full (usableDataDir), restarted after
//     any failure — PID 1 never returns, since the kernel panics when it
//     does;
//  6. until SIGTERM, SIGPWR or the power key (power off) or Ctrl-Alt-Del
//     (restart) asks for a clean shutdown (serveUntilShutdown).
func runInit() error {
	ctx := context.Background()
	sys, err := pid1.Boot(ctx, pid1.Options{Data: pid1.DataMount{Tmpfs: true}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "payterm: boot:", err)
		if sys == nil {
			time.Sleep(10 * time.Second) // time to read the console
			pid1.Shutdown(pid1.RealSys{}, pid1.Restart, nil, slog.Default())
			select {}
		}
	}
	log := sys.Log
	cfg, err := deviceConfig(sys)
	cfg.logRing = sys.Ring
	if err != nil {
		log.Error("configuration unreadable; using defaults", "err", err)
	}
	b, err := board.Lookup(cfg.Board)
	if err == nil && b.Network.Interface != "" {
		if addr, perr := netip.ParsePrefix(b.Network.Address); perr != nil {
			log.Error("board network address", "err", perr)
		} else if nerr := pid1.ConfigureInterface(pid1.Interface{Name: b.Network.Interface, Addr: addr}); nerr != nil {
			log.Warn("network interface", "err", nerr)
		} else {
			log.Info("network interface up", "name", b.Network.Interface, "addr", addr)
		}
	}
	consoleOffScreen(log)
	fmt.Fprint(os.Stderr, cfg.banner())
	go logStats(ctx, statsEvery(sys.Cmdline, log), log)
	reqs := shutdownRequests(ctx, log)
	dataDir := cfg.DataDir
	for {
		cfg.DataDir = usableDataDir(dataDir, log)
		err := serveUntilShutdown(ctx, sys, cfg, reqs, log)
		log.Error("terminal stopped; restarting", "err", err)
		time.Sleep(3 * time.Second)
	}
}

// deviceConfig is /data/payterm.json over the defaults, with the board
// the kernel named and the data partition as the data directory.
func deviceConfig(sys *pid1.System) (config, error) {
	cfg := defaultConfig()
	var err error
	if c, lerr := loadConfigFile(filepath.Join(sys.DataDir, "payterm.json")); lerr == nil {
		cfg = c
	} else if !errors.Is(lerr, os.ErrNotExist) {
		err = lerr
	}
	cfg.DataDir = filepath.Join(sys.DataDir, "terminal")
	cfg.Web = ""
	switch {
	case sys.Board != "":
		cfg.Board = sys.Board
	case cfg.Board == "sim":
		cfg.Board = board.QEMUVirt.Name
	}
	return cfg, err
}

// consoleOffScreen stops the kernel console drawing its cursor and
// messages over the ui; they still go to the serial console.
func consoleOffScreen(log *slog.Logger) {
	f, err := os.OpenFile("/dev/tty0", os.O_RDWR, 0)
	if err != nil {
		log.Debug("no virtual terminal", "err", err)
		return
	}
	defer f.Close()
	const kdSetMode, kdGraphics = 0x4B3A, 1 // linux/kd.h
	if err := unix.IoctlSetInt(int(f.Fd()), kdSetMode, kdGraphics); err != nil {
		log.Warn("console graphics mode", "err", err)
	}
}
