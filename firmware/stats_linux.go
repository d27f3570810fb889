package main

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"payterm/firmware/pid1"
)

// cmdlineStats is the kernel command-line parameter that sets how often
// PID 1 logs its resource use (a Go duration, e.g. payterm.stats=10s; 0
// turns it off).
const cmdlineStats = "payterm.stats"

// defaultStatsEvery keeps the console log, which the POS can fetch after
// a problem, mostly for events: six lines an hour.
const defaultStatsEvery = 10 * time.Minute

// statsEvery is the period the command line asks for, else the default.
func statsEvery(c pid1.Cmdline, log *slog.Logger) time.Duration {
	v, ok := c.Get(cmdlineStats)
	if !ok {
		return defaultStatsEvery
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		log.Warn("kernel command line: bad "+cmdlineStats+"; using the default", "value", v, "default", defaultStatsEvery)
		return defaultStatsEvery
	}
	return d
}

// logStats logs the firmware's resource use every d until ctx ends, so a
// leak shows in the console log long before the kernel's OOM killer
// ends PID 1: resident and peak memory (VmRSS, VmHWM from
// /proc/self/status, KiB), Go heap in use (KiB) and goroutines.
func logStats(ctx context.Context, d time.Duration, log *slog.Logger) {
	if d <= 0 {
		return
	}
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		status, err := os.ReadFile("/proc/self/status")
		if err != nil {
			log.Warn("stats", "err", err)
			continue
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		log.Info("stats", "rss_kib", statusKiB(status, "VmRSS"), "peak_rss_kib", statusKiB(status, "VmHWM"),
			"heap_kib", ms.HeapInuse>>10, "goroutines", runtime.NumGoroutine())
	}
}

// statusKiB is the value of a "Name:  1234 kB" line of /proc/<pid>/status,
// or -1 when it is missing.
func statusKiB(status []byte, name string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	prefix := []byte(name + ":")
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), prefix)
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return -1
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	return -1
}
