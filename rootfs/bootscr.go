package rootfs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// BootScript is the U-Boot script on the boot partition. U-Boot's distro
// boot finds boot.scr on the first partition and sources it with devtype
// and devnum set to the disk it came from.
type BootScript struct {
	// Args is the kernel command line; the script appends
	// payterm.slot=<partition>.
	Args string
	// Kernel and Initrd are file names on the slot's partition; "" is
	// "Image" and "initrd.img".
	Kernel, Initrd string
	// SlotFile is a file on partition 1 whose "boot_part=N" line (U-Boot
	// env import -t format) picks the slot partition; "" is "slot.env".
	// Without it, or when slot N has no kernel, partition 1 (slot A) boots.
	SlotFile string
}

// Text is the script in U-Boot's shell language.
func (b BootScript) Text() string {
	kernel, initrd, slot := or(b.Kernel, "Image"), or(b.Initrd, "initrd.img"), or(b.SlotFile, "slot.env")
	var s strings.Builder
	s.WriteString("# payterm boot script: slot A is partition 1, slot B partition 2.\n")
	s.WriteString("setenv boot_part 1\n")
	// kernel_addr_r is free until the kernel is loaded over it.
	fmt.Fprintf(&s, "if load ${devtype} ${devnum}:1 ${kernel_addr_r} %s; then env import -t ${kernel_addr_r} ${filesize} boot_part; fi\n", slot)
	fmt.Fprintf(&s, "if load ${devtype} ${devnum}:${boot_part} ${kernel_addr_r} %s; then echo payterm: slot partition ${boot_part}; else echo payterm: slot partition ${boot_part} has no kernel, booting 1; setenv boot_part 1; load ${devtype} ${devnum}:1 ${kernel_addr_r} %s; fi\n", kernel, kernel)
	fmt.Fprintf(&s, "load ${devtype} ${devnum}:${boot_part} ${ramdisk_addr_r} %s\n", initrd)
	fmt.Fprintf(&s, "setenv bootargs \"%s payterm.slot=${boot_part}\"\n", strings.ReplaceAll(b.Args, "\"", ""))
	s.WriteString("booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}\n")
	s.WriteString("echo payterm: booti failed\n")
	return s.String()
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SourceDateEpoch is the timestamp written wherever a format insists on
// one (FAT entries, the script image header): 1980-01-01, the earliest
// time FAT can hold.
const SourceDateEpoch = 315532800

// MakeBootScr writes text as a U-Boot script image (legacy uImage of type
// script) at out, with mkimage from u-boot-tools. The header's timestamp
// is SourceDateEpoch, so the file is reproducible.
func MakeBootScr(ctx context.Context, text, out string) error {
	src := out + ".txt"
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	cmd := exec.CommandContext(ctx, "mkimage", "-A", "arm64", "-O", "linux", "-T", "script", "-C", "none",
		"-n", "payterm boot", "-d", src, out)
	cmd.Env = append(os.Environ(), fmt.Sprintf("SOURCE_DATE_EPOCH=%d", SourceDateEpoch))
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("rootfs: mkimage (u-boot-tools; rootfs/deps.sh): %w\n%s", err, b)
	}
	return nil
}
