// Command inittests is the /init of the system tests' driver image: it
// runs PID 1's boot sequence (mounts, the modules in /etc/modules), then
// every Go test binary in /tests on the real kernel's devices, and powers
// off. For each binary NAME, each line of /tests/NAME.args is one run
// (arguments separated by spaces; no file: one run with -test.v), with
// the KEY=VALUE lines of /tests/env added to the environment. The console
// shows, for each run:
//
//	payterm-test-run NAME ARGS...
//	(the binary's output)
//	payterm-test-exit NAME code=N
//
// and at the end "payterm-tests-done runs=R failed=F".
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"payterm/firmware/pid1"
)

const testsDir = "/tests"

func main() {
	console, err := os.OpenFile("/dev/console", os.O_WRONLY, 0)
	if err != nil {
		console = os.Stdout
	}
	ctx, cancel := context.WithCancel(context.Background())
	// The tests wait for their own children; PID 1 reaping them too would
	// steal their exit statuses.
	sys, err := pid1.Boot(ctx, pid1.Options{Console: console, NoWatchdog: true, NoReap: true,
		Data: pid1.DataMount{Tmpfs: true, Wait: time.Second}})
	if err != nil {
		fmt.Fprintf(console, "payterm-tests-done runs=0 failed=1 boot: %v\n", err)
	} else {
		runs, failed := runAll(console)
		fmt.Fprintf(console, "payterm-tests-done runs=%d failed=%d\n", runs, failed)
	}
	cancel()
	if sys != nil {
		err = sys.Shutdown(pid1.PowerOff)
	} else {
		err = pid1.Shutdown(pid1.RealSys{}, pid1.PowerOff, nil, slog.New(slog.DiscardHandler))
	}
	fmt.Fprintf(console, "inittests: shutdown: %v\n", err)
	select {} // PID 1 must not exit: that panics the kernel
}

// runAll runs every test binary and counts the runs and the failures.
func runAll(console io.Writer) (runs, failed int) {
	bins, _ := filepath.Glob(filepath.Join(testsDir, "*.test"))
	sort.Strings(bins)
	env := append(os.Environ(), readLines(filepath.Join(testsDir, "env"))...)
	for _, bin := range bins {
		name := filepath.Base(bin)
		argLines := readLines(bin + ".args")
		if len(argLines) == 0 {
			argLines = []string{"-test.v"}
		}
		for _, l := range argLines {
			args := strings.Fields(l)
			fmt.Fprintf(console, "payterm-test-run %s %s\n", name, strings.Join(args, " "))
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			cmd.Dir = testsDir
			cmd.Stdout, cmd.Stderr = console, console
			code := 0
			if err := cmd.Run(); err != nil {
				code = -1
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				fmt.Fprintf(console, "inittests: %s: %v\n", name, err)
			}
			fmt.Fprintf(console, "payterm-test-exit %s code=%d\n", name, code)
			runs++
			if code != 0 {
				failed++
			}
		}
	}
	return runs, failed
}

// readLines returns the non-empty lines of a file, or nothing.
func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}
