package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"payterm/board"
	"payterm/firmware/pid1"
	"payterm/internal/version"
	"payterm/update/bootstate"
)

// runInit is the firmware as PID 1 on a terminal. Boot order:
//  1. pid1.Boot: kernel file systems, console log, reaper, board from the
//     kernel command line or device tree, modules, loopback, the data
//     partition (a tmpfs when it cannot be mounted: the terminal works
//     without persistence rather than not at all, its storage health
//     says so), watchdog fed while the engine's heartbeat is recent;
//  2. the configuration (deviceConfig): not provisioned, with the
//     reason on screen and no link, unless it is usable; the board's
//     network interface;
//  3. the kernel console off the framebuffer;
//  4. resource use logged every payterm.stats (statsEvery);
//  5. the terminal itself (runTerminal), its state on the data
//     partition, or in memory when the partition is full (usableDataDir)
//     or its journal or store cannot be opened, restarted after
//     any failure — PID 1 never returns, since the kernel panics when it
//     does;
//  6. until SIGTERM, SIGPWR or the power key (power off) or Ctrl-Alt-Del
//     (restart) asks for a clean shutdown (serveUntilShutdown).
func runInit() error {
	ctx := context.Background()
	alive := newHeartbeat(time.Now, engineTick)
	sys, err := pid1.Boot(ctx, pid1.Options{Data: pid1.DataMount{Tmpfs: true}, Watchdog: pid1.Watchdog{Healthy: alive.alive}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "payterm: boot:", err)
		if sys == nil {
			time.Sleep(10 * time.Second) // time to read the console
			pid1.Shutdown(pid1.RealSys{}, pid1.Restart, nil, slog.Default())
			select {}
		}
	}
	log := sys.Log
	cfg := deviceConfig(sys)
	cfg.logRing = sys.Ring
	cfg.alive = alive
	cfg.health = health{Storage: storageHealth(sys.DataDevice, nil), Slot: slotName(sys.Slot)}
	cfg.testHang = testHang(sys.Cmdline, log)
	if why := cfg.notProvisioned(); why != "" {
		log.Error("configuration unusable: not provisioned; the POS link stays off", "reason", why)
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
	cfg.slots = openBootSlots(ctx, sys, reqs, filepath.Join(cfg.DataDir, "update"), log)
	findSlot := func(label string) (string, error) { return pid1.FindPartition("", label) }
	if u := newSlotUpdates(cfg, cfg.slots, cfg.Board, findSlot, log); u != nil {
		cfg.update = u.parts()
	}
	dataDir := cfg.DataDir
	lost := "" // the journal or the store could not be opened: memory until the next boot
	for {
		alive.beat() // the terminal starting again is not a hang
		run := cfg
		if lost != "" {
			run.DataDir, run.health.Storage = memoryDataDir, lost
		} else if dir, uerr := usableDataDir(dataDir, log); uerr != nil {
			run.DataDir, run.health.Storage = dir, storageHealth(sys.DataDevice, uerr)
		}
		if !run.health.StorageOK() {
			log.Error("storage degraded: the terminal cannot remember sales, payments must be refused", "storage", run.health.Storage)
		}
		err := serveUntilShutdown(ctx, sys, run, reqs, log)
		if why := storageFailure(err); why != "" {
			lost = why
		}
		log.Error("terminal stopped; restarting", "err", err)
		time.Sleep(3 * time.Second)
	}
}

// openBootSlots opens the boot state partition and reports this boot
// (bootSlots); nil, logged, when the disk has none or the kernel command
// line names no slot. The update floor is kept in floorDir.
func openBootSlots(ctx context.Context, sys *pid1.System, reqs chan<- shutdown, floorDir string, log *slog.Logger) *bootSlots {
	if sys.Slot == "" {
		log.Warn("boot slot unknown (no payterm.slot): updates cannot be staged")
		return nil
	}
	dev, err := pid1.FindPartition("", bootstate.PartitionLabel)
	if err != nil || dev == "" {
		log.Warn("no boot state partition: updates cannot be staged", "label", bootstate.PartitionLabel, "err", err)
		return nil
	}
	store, _, err := bootstate.Open(dev) // open for the firmware's life
	if err != nil {
		log.Warn("boot state partition", "err", err)
		return nil
	}
	restart := func(reason string) { go sendShutdown(ctx, reqs, shutdown{pid1.Restart, reason}) }
	b, err := newBootSlots(store, sys.Slot, version.Firmware(), log, restart)
	if err != nil {
		log.Warn("boot slot", "err", err)
		return nil
	}
	if v, ok := sys.Cmdline.Get(cmdlineTestSelfCheck); ok && v == "fail" {
		log.Warn("TEST HOOK: every self-check fails", "param", cmdlineTestSelfCheck)
		b.failHook = true
	}
	b.floorDir = floorDir
	return b
}

// deviceConfig is the configuration in /data/payterm.json as provision
// decides it, on the board the kernel named (the file's when it names
// none; never the simulated board), with the data partition as the data
// directory. A missing or broken file leaves the terminal not
// provisioned; the reason names the storage too when the data partition
// fell back to tmpfs.
func deviceConfig(sys *pid1.System) config {
	path := filepath.Join(sys.DataDir, "payterm.json")
	c, err := loadConfigFile(path)
	name := sys.Board
	if name == "" && err == nil {
		name = c.Board
	}
	if name == "" || name == "sim" {
		name = board.QEMUVirt.Name
	}
	cfg := provision(name, path, c, err)
	if cfg.unusable != "" && sys.DataDevice == "tmpfs" {
		cfg.unusable += " (" + storageHealth(sys.DataDevice, nil) + ")"
	}
	cfg.DataDir = filepath.Join(sys.DataDir, "terminal")
	cfg.Web = ""
	return cfg
}

// testHang reads the test hook payterm.test.hang=<duration> (see
// startTestHang); 0 when absent or unreadable.
func testHang(c pid1.Cmdline, log *slog.Logger) time.Duration {
	v, ok := c.Get(cmdlineTestHang)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		log.Warn("test hook ignored", "param", cmdlineTestHang, "value", v, "err", err)
		return 0
	}
	log.Warn("TEST HOOK: the engine loop will block; the watchdog must reset the terminal", "after", d)
	return d
}

// cmdlineTestHang is a test-only kernel command line parameter: the
// engine loop blocks that long after each start (startTestHang).
const cmdlineTestHang = "payterm.test.hang"

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
