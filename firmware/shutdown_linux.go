package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"golang.org/x/sys/unix"

	"payterm/firmware/pid1"
)

// shutdown is a request for PID 1 to end: how, and why.
type shutdown struct {
	mode   int    // pid1.PowerOff or pid1.Restart
	reason string // for the log: the signal, or "power key"
}

// then names what follows the stop, for the log.
func (s shutdown) then() string {
	if s.mode == pid1.Restart {
		return "restart"
	}
	return "power off"
}

// shutdownSignals are the signals PID 1 takes as shutdown requests.
func shutdownSignals() []os.Signal { return []os.Signal{unix.SIGTERM, unix.SIGPWR, unix.SIGINT} }

// shutdownFor is the request a signal makes: SIGTERM (an operator's kill,
// a supervisor) and SIGPWR (power failing, from a UPS or PMIC daemon)
// power off; SIGINT is what the kernel sends for Ctrl-Alt-Del once
// CAD_OFF is set, and restarts, as Ctrl-Alt-Del always has.
func shutdownFor(sig os.Signal) (shutdown, bool) {
	switch sig {
	case unix.SIGTERM:
		return shutdown{pid1.PowerOff, "SIGTERM"}, true
	case unix.SIGPWR:
		return shutdown{pid1.PowerOff, "SIGPWR"}, true
	case unix.SIGINT:
		return shutdown{pid1.Restart, "Ctrl-Alt-Del (SIGINT)"}, true
	}
	return shutdown{}, false
}

// shutdownRequests listens, until ctx ends, for every way of asking the
// terminal to stop: the signals of shutdownFor and the power key. Without
// CAD_OFF the kernel would restart at once on Ctrl-Alt-Del, with no sync
// and the data partition mounted; with it, PID 1 gets SIGINT instead.
func shutdownRequests(ctx context.Context, log *slog.Logger) chan shutdown {
	reqs := make(chan shutdown)
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_CAD_OFF); err != nil {
		log.Warn("Ctrl-Alt-Del stays a hard restart", "err", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, shutdownSignals()...)
	go func() {
		defer signal.Stop(sigs)
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if req, ok := shutdownFor(sig); ok {
					sendShutdown(ctx, reqs, req)
				}
			}
		}
	}()
	go watchPowerKey(ctx, reqs, log)
	return reqs
}

// sendShutdown hands req on unless ctx ends first.
func sendShutdown(ctx context.Context, reqs chan<- shutdown, req shutdown) {
	select {
	case reqs <- req:
	case <-ctx.Done():
	}
}

// stopTimeout bounds the wait for the terminal to close its files on a
// shutdown. Past it the data is still safe — the journal and the
// ServiceID store fsync every write, and Shutdown syncs — but /data may
// be busy and stay mounted.
const stopTimeout = 15 * time.Second

// serveUntilShutdown runs the terminal until it fails, and returns why;
// or until a shutdown is asked for, and then stops it cleanly: it cancels
// the terminal's context, waits for serve to return (it closes the
// journal and the ServiceID store, and halts the devices, first), and
// syncs, unmounts the data partition and powers off or restarts. It
// returns from a shutdown only if the kernel refused it.
func serveUntilShutdown(ctx context.Context, sys *pid1.System, cfg config, reqs <-chan shutdown, log *slog.Logger) error {
	select {
	case req := <-reqs: // asked while the terminal was down
		log.Info("shutting down", "reason", req.reason, "then", req.then())
		return shutDown(sys, req, log)
	default:
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- runTerminal(sctx, cfg, log) }()
	select {
	case err := <-done:
		if err == nil {
			err = errors.New("serve returned")
		}
		return err
	case req := <-reqs:
		log.Info("shutting down", "reason", req.reason, "then", req.then())
		start := time.Now()
		stop()
		select {
		case err := <-done:
			if err != nil {
				log.Warn("terminal stopped with an error", "err", err)
			}
			log.Info("terminal stopped", "seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))
		case <-time.After(stopTimeout):
			log.Error("terminal did not stop in time; shutting down anyway", "after", stopTimeout)
		}
		return shutDown(sys, req, log)
	}
}

// shutDown syncs, unmounts the data partition and powers off or
// restarts; it returns only if the kernel refused.
func shutDown(sys *pid1.System, req shutdown, log *slog.Logger) error {
	log.Info("syncing and unmounting the data partition", "then", req.then())
	if err := sys.Shutdown(req.mode); err != nil {
		return fmt.Errorf("shutdown (%s): %w", req.then(), err)
	}
	return nil
}
