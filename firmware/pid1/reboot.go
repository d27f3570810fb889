package pid1

import (
	"fmt"
	"log/slog"

	"golang.org/x/sys/unix"
)

// Halt modes for Shutdown.
const (
	PowerOff = unix.LINUX_REBOOT_CMD_POWER_OFF
	Restart  = unix.LINUX_REBOOT_CMD_RESTART
)

// Shutdown flushes everything to disk, unmounts the given mount points
// (best effort, newest first: a busy one is logged, and the sync has
// already made its data safe), syncs again and powers off or restarts
// (mode PowerOff or Restart). It returns only if the kernel refused.
func Shutdown(sys Sys, mode int, unmount []string, log *slog.Logger) error {
	sys.Sync()
	for i := len(unmount) - 1; i >= 0; i-- {
		if err := sys.Unmount(unmount[i], 0); err != nil {
			log.Warn("unmount before shutdown", "path", unmount[i], "err", err)
		}
	}
	sys.Sync()
	if err := sys.Reboot(mode); err != nil {
		return fmt.Errorf("pid1: reboot(%#x): %w", mode, err)
	}
	return nil
}
