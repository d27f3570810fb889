// Command mkimage builds the terminal's boot image for QEMU's arm64 virt
// machine: the Debian kernel (checked against rootfs/kernel.lock), an
// initramfs with the firmware as /init, its modules, fonts and the face
// cascade, a U-Boot boot script, and a GPT disk holding them.
//
//	go run ./rootfs/cmd/mkimage -init out/image/payterm -out out/image
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"payterm/board"
	"payterm/internal/version"
	"payterm/rootfs"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

// cjkFont is the CJK font the ui falls back to (fonts-droid-fallback).
const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

func run(args []string) error {
	fs := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	init := fs.String("init", "", "static arm64 binary to run as /init (the firmware)")
	out := fs.String("out", "out/image", "output directory")
	cache := fs.String("cache", defaultCache(), "download and kernel cache")
	lock := fs.String("lock", "rootfs/kernel.lock", "kernel lock file")
	recordLock := fs.Bool("update-lock", false, "record the kernel used in the lock file")
	boardName := fs.String("board", "qemu-virt", "board whose modules to include")
	base := fs.String("base-modules", strings.Join(rootfs.QEMUBaseModules(), ","), "modules loaded before the board's (comma-separated)")
	extra := fs.String("modules", "", "more modules (comma-separated)")
	kargs := fs.String("args", rootfs.DefaultArgs, "kernel command line")
	data := fs.String("data", "", "directory copied into the data partition")
	noExtras := fs.Bool("no-extras", false, "leave out the font and the face cascade (smaller, for boot tests)")
	lockOnly := fs.Bool("kernel-lock", false, "only record Debian's current kernel package in the lock file (download and hash it); build nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lockOnly {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return updateLock(ctx, *lock, *cache, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	}
	if *init == "" {
		return errors.New("-init is required")
	}
	b, err := board.Lookup(*boardName)
	if err != nil {
		return err
	}
	modules := append(splitList(*base), b.Modules...)
	modules = append(modules, splitList(*extra)...)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	var files []rootfs.FileSpec
	if !*noExtras {
		if _, err := os.Stat(cjkFont); err != nil {
			return fmt.Errorf("CJK font missing (rootfs/deps.sh installs fonts-droid-fallback): %w", err)
		}
		cascade, err := rootfs.PigoCascade(ctx, ".")
		if err != nil {
			return err
		}
		files = append(files,
			rootfs.FileSpec{Src: cjkFont, Dst: strings.TrimPrefix(cjkFont, "/")},
			rootfs.FileSpec{Src: cascade, Dst: "usr/share/payterm/pigo/facefinder"})
	}
	res, err := rootfs.Build(ctx, rootfs.Options{
		Init: *init, OutDir: *out, CacheDir: *cache, LockFile: *lock, UpdateLock: *recordLock,
		Modules: modules, Files: files, Args: *kargs, DataDir: *data, Log: log, Version: version.Firmware(),
	})
	if err != nil {
		return err
	}
	for _, n := range []string{rootfs.OutDisk, rootfs.OutSlot, rootfs.OutUBootEnv, rootfs.OutImage, rootfs.OutInitrd, rootfs.OutBootScr, rootfs.OutKernelTxt} {
		if st, err := os.Stat(res.Path(n)); err == nil {
			fmt.Printf("%-40s %6.1f MiB\n", res.Path(n), float64(st.Size())/(1<<20))
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// defaultCache is $XDG_CACHE_HOME/payterm (~/.cache/payterm): kernel
// packages outlive out/ and are shared with the boot test.
func defaultCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join("out", "cache")
	}
	return filepath.Join(d, "payterm")
}

// updateLock follows Debian's kernel metapackage to its current package,
// downloads and checks it as a build would, and writes it to the lock
// file, replacing it atomically; it says what changed.
func updateLock(ctx context.Context, lockFile, cache string, log *slog.Logger) error {
	var old rootfs.KernelPackage
	if _, err := os.Stat(lockFile); err == nil {
		if old, err = rootfs.ReadKernelLock(lockFile); err != nil {
			return err
		}
	}
	k, err := rootfs.FetchKernel(ctx, rootfs.KernelOptions{Lock: old, CacheDir: cache, Log: log})
	if err != nil {
		return err
	}
	if k.Package == old {
		fmt.Printf("%s: %s, unchanged\n", lockFile, k.Package)
		return nil
	}
	tmp := lockFile + ".tmp"
	if err := os.WriteFile(tmp, rootfs.FormatKernelLock(k.Package), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, lockFile); err != nil {
		os.Remove(tmp)
		return err
	}
	fmt.Printf("%s: %s → %s\n", lockFile, old, k.Package)
	return nil
}
