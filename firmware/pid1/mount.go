package pid1

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// mountPoint is one file system PID 1 mounts.
type mountPoint struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
}

// essentialMounts are the file systems everything else needs, in order.
func essentialMounts() []mountPoint {
	const nosuid = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	return []mountPoint{
		{"proc", "/proc", "proc", nosuid, ""},
		{"sysfs", "/sys", "sysfs", nosuid, ""},
		{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755"},
		{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777"},
		{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755"},
	}
}

// MountEssential mounts /proc, /sys, /dev (devtmpfs), /tmp and /run under
// root, creating the directories. One already mounted (EBUSY) is fine.
func MountEssential(sys Sys, root string) error {
	for _, m := range essentialMounts() {
		target := filepath.Join(root, m.target)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("pid1: mount %s: %w", m.target, err)
		}
		if err := sys.Mount(m.source, target, m.fstype, m.flags, m.data); err != nil && !errors.Is(err, unix.EBUSY) {
			return fmt.Errorf("pid1: mount %s: %w", m.target, err)
		}
	}
	return nil
}

// DataMount says where the data partition is and how to mount it. Zero
// fields take the defaults noted.
type DataMount struct {
	Label    string        // GPT partition name; "": "data"
	Fallback string        // device tried when no partition has Label; "": /dev/vda3
	Target   string        // mount point; "": /data
	FSTypes  []string      // tried in order; nil: ext4, vfat
	Wait     time.Duration // how long to wait for the device to appear; 0: 15 s
	// Tmpfs mounts a tmpfs at Target when no device can be mounted, so the
	// firmware runs without persistence (logged loudly) instead of not at
	// all; for direct kernel boots without a disk.
	Tmpfs bool
}

// MountData waits for the data partition and mounts it under root. It
// runs no fsck: ext4's journal is replayed by the mount itself. It
// returns the device mounted ("tmpfs" for the fallback).
func MountData(ctx context.Context, sys Sys, root string, d DataMount, log *slog.Logger) (string, error) {
	label, fallback, target := or(d.Label, "data"), or(d.Fallback, "/dev/vda3"), or(d.Target, "/data")
	types := d.FSTypes
	if types == nil {
		types = []string{"ext4", "vfat"}
	}
	wait := d.Wait
	if wait == 0 {
		wait = 15 * time.Second
	}
	dir := filepath.Join(root, target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("pid1: data: %w", err)
	}
	dev, err := waitForDevice(ctx, root, label, fallback, wait)
	if err == nil {
		const flags = unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOATIME
		var errs []error
		for _, t := range types {
			e := sys.Mount(filepath.Join(root, dev), dir, t, flags, "")
			if e == nil {
				log.Info("data partition mounted", "device", dev, "fstype", t, "at", target)
				return dev, nil
			}
			errs = append(errs, fmt.Errorf("%s: %w", t, e))
		}
		err = fmt.Errorf("mount %s: %w", dev, errors.Join(errs...))
	}
	if !d.Tmpfs {
		return "", fmt.Errorf("pid1: data: %w", err)
	}
	log.Error("data partition unavailable: using a tmpfs, nothing will persist", "err", err)
	if err := sys.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0700"); err != nil {
		return "", fmt.Errorf("pid1: data: tmpfs: %w", err)
	}
	return "tmpfs", nil
}

// waitForDevice polls until the partition labelled label (or the
// fallback device) exists under root, or wait runs out.
func waitForDevice(ctx context.Context, root, label, fallback string, wait time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		if dev, err := findPartition(root, label); err == nil && dev != "" {
			if _, err := os.Stat(filepath.Join(root, dev)); err == nil {
				return dev, nil
			}
		}
		if _, err := os.Stat(filepath.Join(root, fallback)); err == nil {
			return fallback, nil
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no partition %q and no %s after %v", label, fallback, wait)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
