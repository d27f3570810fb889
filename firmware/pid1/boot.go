// Package pid1 does what the firmware must do when the kernel starts it as
// /init: mount the kernel's file systems, load the board's modules, mount
// the data partition, reap orphans, feed the watchdog, keep the console
// log, and power off or restart cleanly. Every path is under Options.Root
// and every system call goes through Options.Sys, so tests run the
// sequence on a fake tree.
package pid1

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Options configure Boot. The zero value boots a real system: root "/",
// real system calls, modules from /etc/modules, data from the partition
// named "data" (else /dev/vda3) at /data, watchdog at /dev/watchdog.
type Options struct {
	Root string // "": "/"
	Sys  Sys    // nil: RealSys
	// Console is where log lines go besides the Ring; nil: /dev/console
	// (os.Stderr if it cannot be opened).
	Console io.Writer
	Ring    *Ring // nil: NewRing(DefaultRingSize)
	// Modules to load, in order; nil: the list in /etc/modules.
	Modules []string
	// ModuleParams are parameters by module name (e.g. vivid's).
	ModuleParams map[string]string
	Data         DataMount
	// Compatible maps device tree compatible strings to board names; nil:
	// DefaultCompatible.
	Compatible map[string]string
	// Watchdog is fed from Boot until ctx ends; absent hardware is fine.
	Watchdog   Watchdog
	NoWatchdog bool
	// Interfaces get static addresses after the modules load (e.g. eth0
	// 10.0.2.15/24 on QEMU's user-mode network); a failure is logged.
	Interfaces []Interface
	// NoReap leaves orphan reaping to the caller (see Reap's caveat).
	NoReap bool
}

// System is what Boot brought up.
type System struct {
	// Board is payterm.board from the command line, else the board of the
	// device tree's compatible string, else "".
	Board   string
	Slot    string // payterm.slot from the command line ("1" is slot A)
	Cmdline Cmdline
	// Log writes to the console and the Ring; Ring is the console log the
	// POS can fetch.
	Log        *slog.Logger
	Ring       *Ring
	Modules    ModuleReport
	DataDir    string // where the data partition is mounted
	DataDevice string // what is mounted there ("tmpfs" for the fallback)

	sys  Sys
	root string
}

// Boot brings the system up, in this order:
//  1. mount /proc, /sys, /dev (devtmpfs), /tmp and /run — essential;
//  2. open the console and start the console log ring;
//  3. start reaping orphans (SIGCHLD);
//  4. read the kernel command line and the device tree: board and slot;
//  5. load the modules, each after its dependencies — a failing one is
//     logged and the boot goes on;
//  6. bring up the loopback interface and Interfaces — optional;
//  7. wait for the data partition and mount it at /data — essential,
//     unless Data.Tmpfs;
//  8. feed the watchdog while ctx lasts — optional hardware.
//
// The goroutines of steps 3 and 8 stop when ctx ends.
func Boot(ctx context.Context, o Options) (*System, error) {
	root := or(o.Root, "/")
	sys := o.Sys
	if sys == nil {
		sys = RealSys{}
	}
	if err := MountEssential(sys, root); err != nil {
		return nil, err
	}

	s := &System{sys: sys, root: root, Ring: o.Ring}
	if s.Ring == nil {
		s.Ring = NewRing(DefaultRingSize)
	}
	console := o.Console
	if console == nil {
		if f, err := os.OpenFile(filepath.Join(root, "dev", "console"), os.O_WRONLY|unix.O_NOCTTY, 0); err == nil {
			console = f
		} else {
			console = os.Stderr
		}
	}
	s.Log = slog.New(slog.NewTextHandler(io.MultiWriter(console, s.Ring), nil))
	log := s.Log

	if !o.NoReap {
		go Reap(ctx, func(pid int, ws unix.WaitStatus) {
			log.Debug("reaped", "pid", pid, "status", int(ws))
		})
	}

	if b, err := os.ReadFile(filepath.Join(root, "proc", "cmdline")); err == nil {
		s.Cmdline = ParseCmdline(string(b))
	} else {
		log.Warn("no kernel command line", "err", err)
	}
	s.Slot, _ = s.Cmdline.Get(CmdlineSlot)
	s.Board, _ = s.Cmdline.Get(CmdlineBoard)
	if s.Board == "" {
		table := o.Compatible
		if table == nil {
			table = DefaultCompatible()
		}
		if b, err := os.ReadFile(filepath.Join(root, "proc", "device-tree", "compatible")); err == nil {
			s.Board = BoardFromCompatible(ParseCompatible(b), table)
		}
	}
	log.Info("booting", "board", s.Board, "slot", s.Slot)

	modules := o.Modules
	if modules == nil {
		if f, err := os.Open(filepath.Join(root, "etc", "modules")); err == nil {
			modules, err = ReadModuleList(f)
			f.Close()
			if err != nil {
				log.Warn("module list", "err", err)
			}
		}
	}
	if len(modules) > 0 {
		if release, err := sys.Release(); err != nil {
			log.Warn("modules: kernel release unknown", "err", err)
		} else if rep, err := LoadModules(sys, root, release, modules, o.ModuleParams, log); err != nil {
			log.Warn("modules not loaded", "err", err)
		} else {
			s.Modules = rep
			log.Info("modules", "loaded", len(rep.Loaded), "builtin", strings.Join(rep.Builtin, ","), "failed", strings.Join(rep.Failed, ","))
		}
	}

	if o.Sys == nil { // interfaces exist only on a real kernel
		if err := LoopbackUp(); err != nil {
			log.Warn("loopback interface", "err", err)
		}
		for _, i := range o.Interfaces {
			if err := ConfigureInterface(i); err != nil {
				log.Warn("network interface", "err", err)
			} else {
				log.Info("network interface up", "name", i.Name, "addr", i.Addr.String())
			}
		}
	}

	dev, err := MountData(ctx, sys, root, o.Data, log)
	if err != nil {
		return s, err
	}
	s.DataDevice = dev
	s.DataDir = or(o.Data.Target, "/data")

	if !o.NoWatchdog {
		w := o.Watchdog
		if w.Device == "" {
			w.Device = filepath.Join(root, "dev", "watchdog")
		}
		go func() {
			if err := w.Run(ctx, log); err != nil && !errors.Is(err, ErrNoWatchdog) {
				log.Warn("watchdog", "err", err)
			}
		}()
	}
	return s, nil
}

// Shutdown syncs, unmounts the data partition and powers off (mode
// PowerOff) or restarts (Restart). It returns only on failure.
func (s *System) Shutdown(mode int) error {
	var unmount []string
	if s.DataDir != "" {
		unmount = append(unmount, filepath.Join(s.root, s.DataDir))
	}
	if err := Shutdown(s.sys, mode, unmount, s.Log); err != nil {
		return fmt.Errorf("pid1: %w", err)
	}
	return nil
}
