package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"payterm/firmware/pid1"
)

func TestStatusKiB(t *testing.T) {
	status := []byte("Name:\tpayterm\nVmHWM:\t   23456 kB\nVmRSS:\t   20480 kB\nVmBad:\t kB\nThreads:\t7\n")
	for _, c := range []struct {
		name string
		want int64
	}{{"VmRSS", 20480}, {"VmHWM", 23456}, {"VmBad", -1}, {"VmSwap", -1}, {"Threads", 7}} {
		if got := statusKiB(status, c.name); got != c.want {
			t.Errorf("%s = %d, want %d", c.name, got, c.want)
		}
	}
	self, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc here")
	}
	if rss := statusKiB(self, "VmRSS"); rss <= 0 {
		t.Errorf("this process's VmRSS read as %d", rss)
	}
}

func TestStatsEvery(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, c := range []struct {
		cmdline string
		want    time.Duration
	}{
		{"console=ttyAMA0", defaultStatsEvery},
		{"payterm.stats=2s", 2 * time.Second},
		{"payterm.stats=0", 0},
		{"payterm.stats=soon", defaultStatsEvery},
		{"payterm.stats=-1s", defaultStatsEvery},
	} {
		if got := statsEvery(pid1.ParseCmdline(c.cmdline), log); got != c.want {
			t.Errorf("%q: %v, want %v", c.cmdline, got, c.want)
		}
	}
}

func TestUsableDataDir(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	dir := filepath.Join(t.TempDir(), "terminal")
	if got, err := usableDataDir(dir, log); got != dir || err != nil {
		t.Fatalf("a fresh directory on a roomy file system: %s, %v", got, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("directory not created: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := usableDataDir(filepath.Join(file, "terminal"), log); got != memoryDataDir || err == nil {
		t.Fatalf("a directory that cannot be made: %s, %v; want %s and why", got, err, memoryDataDir)
	}
}
