// Command initok is the /init of rootfs's boot test. It runs PID 1's boot
// sequence (mounts, modules from /etc/modules, the data partition), then
// prints one line starting "payterm-init-ok" with what it found, and the
// device nodes the drivers will open, and powers off. On failure it
// prints "payterm-init-fail" instead, and still powers off.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"payterm/firmware/pid1"
)

func main() {
	console, err := os.OpenFile("/dev/console", os.O_WRONLY, 0)
	if err != nil {
		console = os.Stdout
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	sys, err := pid1.Boot(ctx, pid1.Options{Console: console, NoWatchdog: true})
	if err != nil {
		fmt.Fprintf(console, "payterm-init-fail %v\n", err)
	} else {
		up, _ := os.ReadFile("/proc/uptime")
		fmt.Fprintf(console, "payterm-init-ok board=%s slot=%s data=%s loaded=%d failed=%s uptime=%s\n",
			sys.Board, sys.Slot, sys.DataDevice, len(sys.Modules.Loaded), strings.Join(sys.Modules.Failed, ","),
			strings.Fields(string(up) + " ?")[0])
		if err := os.WriteFile(filepath.Join(sys.DataDir, "boot-test"), []byte("ok\n"), 0o600); err != nil {
			fmt.Fprintf(console, "payterm-init-fail data not writable: %v\n", err)
		}
		var nodes []string
		for _, g := range []string{"/dev/fb*", "/dev/dri/*", "/dev/input/event*", "/dev/video*", "/dev/ttyS*", "/dev/ttyAMA*", "/dev/gpiochip*", "/dev/watchdog*", "/sys/class/net/*"} {
			m, _ := filepath.Glob(g)
			nodes = append(nodes, m...)
		}
		sort.Strings(nodes)
		fmt.Fprintf(console, "payterm-devices %s\n", strings.Join(nodes, " "))
	}
	cancel()
	if sys != nil {
		err = sys.Shutdown(pid1.PowerOff)
	} else {
		err = pid1.Shutdown(pid1.RealSys{}, pid1.PowerOff, nil, slog.New(slog.DiscardHandler))
	}
	if err != nil {
		fmt.Fprintf(console, "payterm-init-fail shutdown: %v\n", err)
	}
	select {} // PID 1 must not exit: that panics the kernel
}
