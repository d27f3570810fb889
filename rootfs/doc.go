// Package rootfs builds the terminal's boot image for QEMU's arm64 virt
// machine and runs it.
//
// The image (Build) is: the Debian arm64 kernel package, resolved through
// apt and checked against a lock (kernel.go, kernellock.go, apt.go); the
// modules the board needs with their dependencies (modules.go, modinfo.go,
// package moddep); a reproducible newc initramfs with the firmware as
// /init (cpio.go, initramfs.go); a U-Boot script (bootscr.go) and
// U-Boot's stored environment without the autoboot delay (ubootenv.go);
// and a GPT disk with two FAT boot slots and an ext4 data partition
// (gpt.go, disk.go). Machine (qemu.go) boots it in qemu-system-aarch64, through
// U-Boot or directly, and QMP (qmp.go, ppm.go) reads and touches the
// emulated screen.
//
// Host tools come from Debian (rootfs/deps.sh): dpkg-deb, apt-get,
// mkimage, mkfs.vfat and mtools, mke2fs, xz (for compressed modules),
// qemu-system-aarch64 and u-boot-qemu.
package rootfs
