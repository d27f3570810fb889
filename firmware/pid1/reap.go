package pid1

import (
	"context"
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// Reap collects exited children until ctx ends, so orphans re-parented to
// PID 1 do not stay zombies. It calls reaped (if not nil) with each pid
// and its wait status. It waits for any child (wait4(-1)), so it must not
// run in a process that also waits for its children through os/exec:
// one of them would lose its child's status.
func Reap(ctx context.Context, reaped func(pid int, status unix.WaitStatus)) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, unix.SIGCHLD)
	defer signal.Stop(ch)
	for {
		reapAll(reaped) // children that exited before Notify, or between signals
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
	}
}

func reapAll(reaped func(int, unix.WaitStatus)) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
		if reaped != nil {
			reaped(pid, ws)
		}
	}
}
