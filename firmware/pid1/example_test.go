package pid1_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"time"

	"payterm/firmware/pid1"
)

// The firmware's main, when the kernel starts it as /init. PID 1 must
// never exit (the kernel panics): on a fatal error it restarts the
// terminal instead.
func ExampleBoot() {
	if os.Getpid() != 1 {
		return
	}
	ctx := context.Background()
	sys, err := pid1.Boot(ctx, pid1.Options{
		Interfaces: []pid1.Interface{{Name: "eth0", Addr: netip.MustParsePrefix("10.0.2.15/24")}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "boot:", err)
		time.Sleep(10 * time.Second) // time to read the console
		pid1.Shutdown(pid1.RealSys{}, pid1.Restart, nil, slog.Default())
		select {}
	}
	_ = sys.Board   // "qemu-virt", from payterm.board= or the device tree
	_ = sys.DataDir // "/data": configuration, keys, ServiceID store, journal
	// ... run the terminal, logging with sys.Log; on a power-off request:
	sys.Shutdown(pid1.PowerOff)
}
