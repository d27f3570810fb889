package rootfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"payterm/update/bootselect"
)

// Options is one image build. Zero fields take the defaults noted.
type Options struct {
	Init     string       // the static arm64 /init binary (the firmware); required
	OutDir   string       // where the outputs go; required
	CacheDir string       // kernel downloads and trees; required
	LockFile string       // the kernel lock (rootfs/kernel.lock); "" for none
	Apt      Apt          // nil: AptCLI
	Log      *slog.Logger // nil: discard

	// Modules are the kernel modules PID 1 loads, by name, in order
	// (their dependencies are added). Built-in ones are skipped.
	Modules []string
	// Files are extra files for the initramfs (fonts, the face cascade).
	Files []FileSpec
	// Args is the kernel command line, before the boot script adds
	// payterm.slot; "" is DefaultArgs.
	Args string
	// DataDir holds files for the data partition; "" for an empty one.
	DataDir string
	// UpdateLock rewrites LockFile to the kernel used. A missing lock is
	// always written.
	UpdateLock bool
	// NoDisk skips the disk image (for direct kernel boots), and with it
	// the U-Boot environment.
	NoDisk bool
	// UBoot is the U-Boot binary whose default environment the stored one
	// starts from; "" is UBootQEMU.
	UBoot string
	// Version is the firmware version of Init, recorded in the disk's
	// boot state as slot A's (the firmware records it itself at its
	// first good boot when "").
	Version string
}

// DefaultArgs is the kernel command line for QEMU's virt machine: the
// console on the PL011 UART, and a reboot (which QEMU run with -no-reboot
// turns into an exit) on a kernel panic.
const DefaultArgs = "console=ttyAMA0 panic=-1 payterm.board=qemu-virt"

// Output names in OutDir.
const (
	OutDisk      = "disk.img"
	OutImage     = "Image"
	OutInitrd    = "initrd.img"
	OutBootScr   = "boot.scr"
	OutBootArgs  = "bootargs.env"
	OutKernelTxt = "kernel.txt"
	// OutSlot is the FAT image of one boot slot (SlotImage): Image,
	// initrd.img, boot.scr, bootargs.env. The disk's slot A holds it; an
	// OTA bundle carries it as the artefact "slot.vfat".
	OutSlot = "slot.vfat"
	// OutUBootEnv is the second flash bank of QEMU's virt machine with
	// U-Boot's environment (Machine.UBootEnv): U-Boot's defaults with
	// BootEnvVars.
	OutUBootEnv = "uboot-env.img"
)

// Result is what Build made.
type Result struct {
	Kernel  Kernel
	Modules ModuleSet
	OutDir  string
}

// Path is the path of one output (OutDisk, OutImage, ...).
func (r Result) Path(name string) string { return filepath.Join(r.OutDir, name) }

// Build makes the image, in this order:
//  1. fetch and check the kernel package (FetchKernel);
//  2. pick the modules and their dependencies (SelectModules);
//  3. write the initramfs (/init, modules, files) as initrd.img;
//  4. copy the kernel Image, write boot.scr and bootargs.env (Args);
//  5. write slot.vfat holding those four, disk.img with slot A holding
//     slot.vfat, slot B empty and the boot state trying A (B has no
//     tries: it is empty), and U-Boot's environment (uboot-env.img);
//  6. write kernel.txt and, if asked or absent, the kernel lock.
func Build(ctx context.Context, o Options) (Result, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Init == "" || o.OutDir == "" || o.CacheDir == "" {
		return Result{}, errors.New("rootfs: build needs Init, OutDir and CacheDir")
	}
	if err := ensureDir(o.OutDir); err != nil {
		return Result{}, err
	}
	var lock KernelPackage
	if o.LockFile != "" {
		var err error
		if lock, err = ReadKernelLock(o.LockFile); err != nil {
			return Result{}, err
		}
	}
	k, err := FetchKernel(ctx, KernelOptions{Apt: o.Apt, Lock: lock, CacheDir: o.CacheDir, Log: log})
	if err != nil {
		return Result{}, err
	}
	log.Info("kernel", "package", k.Package.String(), "release", k.Release, "sha256", k.Package.SHA256)
	set, err := SelectModules(k.ModulesDir, o.Modules)
	if err != nil {
		return Result{}, err
	}
	log.Info("modules", "asked", set.Asked, "builtin", set.Builtin, "closure", len(set.Entries))

	res := Result{Kernel: k, Modules: set, OutDir: o.OutDir}
	arc, err := BuildInitramfs(ctx, InitramfsSpec{Init: o.Init, Release: k.Release, ModulesDir: k.ModulesDir, Modules: set, Files: o.Files})
	if err != nil {
		return Result{}, err
	}
	var initrd bytes.Buffer
	if err := WriteInitramfs(&initrd, arc); err != nil {
		return Result{}, err
	}
	if err := writeFileAtomic(res.Path(OutInitrd), initrd.Bytes(), 0o644); err != nil {
		return Result{}, err
	}
	img, err := os.ReadFile(k.Image)
	if err != nil {
		return Result{}, fmt.Errorf("rootfs: %w", err)
	}
	if err := writeFileAtomic(res.Path(OutImage), img, 0o644); err != nil {
		return Result{}, err
	}
	_, parts := DiskPartitions(DiskSpec{})
	script := BootScript{EnvLBA: parts[PartBootEnv].FirstLBA}
	if err := MakeBootScr(ctx, script.Text(), res.Path(OutBootScr)); err != nil {
		return Result{}, err
	}
	if err := writeFileAtomic(res.Path(OutBootArgs), BootArgsFile(or(o.Args, DefaultArgs)), 0o644); err != nil {
		return Result{}, err
	}
	if !o.NoDisk {
		slot, err := SlotImage(ctx, SlotSpec{Path: res.Path(OutSlot), Files: map[string]string{
			SlotScript:   res.Path(OutBootScr),
			SlotBootArgs: res.Path(OutBootArgs),
			SlotKernel:   res.Path(OutImage),
			SlotInitrd:   res.Path(OutInitrd),
		}})
		if err != nil {
			return Result{}, err
		}
		err = BuildDisk(ctx, DiskSpec{Path: res.Path(OutDisk), DataDir: o.DataDir, SlotA: slot, Boot: FreshBootState(o.Version)})
		if err != nil {
			return Result{}, err
		}
		if err := WriteUBootEnvFlash(res.Path(OutUBootEnv), or(o.UBoot, UBootQEMU), BootEnvVars()); err != nil {
			return Result{}, err
		}
	}
	info := fmt.Sprintf("%srelease %s\nverdict %s\nmodules %s\nbuiltin %s\n",
		FormatKernelLock(k.Package), k.Release, verdictName(k.Verdict), strings.Join(set.Asked, " "), strings.Join(set.Builtin, " "))
	if err := writeFileAtomic(res.Path(OutKernelTxt), []byte(info), 0o644); err != nil {
		return Result{}, err
	}
	if o.LockFile != "" && (o.UpdateLock || k.Verdict == LockAbsent) {
		if err := writeFileAtomic(o.LockFile, FormatKernelLock(k.Package), 0o644); err != nil {
			return Result{}, err
		}
		log.Info("kernel lock written", "file", o.LockFile, "package", k.Package.String())
	}
	return res, nil
}

func verdictName(v LockVerdict) string {
	switch v {
	case LockMatches:
		return "matches-lock"
	case LockOutdated:
		return "newer-than-lock"
	}
	return "no-lock"
}

// FreshBootState is the boot state of a new disk: slot A (holding
// version) first with full tries; slot B empty, so no tries and second.
func FreshBootState(version string) bootselect.State {
	return bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: bootselect.Tries, AVersion: version}
}
