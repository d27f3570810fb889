package main

import (
	"fmt"
	"log/slog"
	"os"

	"golang.org/x/sys/unix"
)

// Room the terminal's state needs on the data partition to run: the
// journal and the ServiceID store grow by a few pages per sale, and each
// opens with a few pages more.
const (
	minDataFreeBytes  = 1 << 20
	minDataFreeInodes = 16
)

// memoryDataDir is where the terminal keeps its state when the data
// partition cannot take it: on /run, a tmpfs PID 1 mounts.
const memoryDataDir = "/run/payterm-data"

// usableDataDir returns dir when the terminal can keep its state there,
// else memoryDataDir: a full (or read-only, or failing) data partition
// must not stop the customer from paying, so the terminal runs without
// persistence and says so loudly, as PID 1 does when the partition is
// missing. The operator frees space; the next restart goes back to dir.
// The error says why it fell back (nil when it did not): the terminal's
// storage health (storageHealth).
func usableDataDir(dir string, log *slog.Logger) (string, error) {
	err := checkDataDir(dir)
	if err == nil {
		return dir, nil
	}
	log.Error("data partition unusable: keeping the terminal's state in memory; sales, the journal and repeat detection will not survive a restart",
		"dir", dir, "err", err, "fallback", memoryDataDir)
	return memoryDataDir, err
}

// checkDataDir creates dir if needed and checks the file system it is on
// is writable with room to spare. PID 1 runs as root, so the blocks ext4
// reserves for root count as free.
func checkDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return fmt.Errorf("statfs %s: %w", dir, err)
	}
	if st.Flags&unix.ST_RDONLY != 0 {
		return fmt.Errorf("%s is mounted read-only", dir)
	}
	free := st.Bfree * uint64(st.Bsize)
	if free < minDataFreeBytes {
		return fmt.Errorf("full: %d bytes free, need %d", free, minDataFreeBytes)
	}
	if st.Files > 0 && st.Ffree < minDataFreeInodes {
		return fmt.Errorf("full: %d inodes free, need %d", st.Ffree, minDataFreeInodes)
	}
	return nil
}
