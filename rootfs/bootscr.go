package rootfs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"payterm/update/bootselect"
	"payterm/update/bootstate"
)

// Files of a boot slot (the FAT of partition 1 or 2).
const (
	SlotKernel   = "Image"
	SlotInitrd   = "initrd.img"
	SlotScript   = "boot.scr"
	SlotBootArgs = "bootargs.env" // "bootargs=<kernel command line>\n"
)

// BootScript is the U-Boot script of every slot, the same text in each:
// U-Boot's distro boot sources the first one it finds on a legacy-
// bootable partition (1, or 2 when 1 is unreadable), with devtype and
// devnum set to the disk, and whichever runs reads the boot state and
// boots the slot it names. On each power-on it:
//
//  1. reads both copies of the boot state from the bootenv partition
//     (${devtype} read, env import -c: a copy whose CRC fails is
//     skipped) and takes the valid one with the higher BOOT_SEQ (hex),
//     copy 0 on a tie — bootenv.PairCurrent;
//  2. picks the first slot of BOOT_ORDER with tries left; when none
//     has any, resets both counters to bootselect.Tries and takes the
//     first (bootselect's Decide);
//  3. decrements its counter and writes the state, BOOT_SEQ + 1, over
//     the OLDER copy (env export -c, ${devtype} write) before loading
//     anything: a power cut leaves the other copy whole, and a slot that
//     never reaches its self-check runs out of tries;
//  4. loads the slot's bootargs.env, Image and initrd.img and boots with
//     payterm.slot=<partition>; if any load or booti fails, does 3–4 once
//     for the other slot.
//
// The block numbers come from the disk layout (DiskPartitions), in
// sectors of SectorSize.
type BootScript struct {
	// EnvLBA is the first sector of the bootenv partition.
	EnvLBA uint64
}

// Text is the script in U-Boot's shell language. Lines stay simple
// (one if per line) for U-Boot's hush; numbers for read/write and setexpr
// are hexadecimal, as U-Boot reads them.
func (b BootScript) Text() string {
	lba := [2]uint64{b.EnvLBA, b.EnvLBA + bootstate.Copy1Offset/SectorSize}
	cnt := fmt.Sprintf("%#x", bootstate.CopySize/SectorSize)
	size := fmt.Sprintf("%#x", bootstate.CopySize)
	seq := bootstate.SeqVar
	vars := strings.Join(append(bootselect.VarNames(), seq), " ")
	var s strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&s, format+"\n", a...) }
	w("# payterm boot script, the same in every slot (rootfs/bootscr.go): boot state from")
	w("# two copies in the bootenv partition, the attempt counted before the slot loads.")
	w("setenv pt_a ${kernel_addr_r}")
	for i, l := range lba {
		w("setenv %s; setenv pt_s%d", seq, i)
		w("if ${devtype} read ${pt_a} %#x %s && env import -c ${pt_a} %s %s; then setenv pt_s%d ${%s}; fi", l, cnt, size, seq, i, seq)
	}
	w("setenv pt_cur %#x; setenv pt_old %#x", lba[0], lba[1])
	w(`if test -n "${pt_s1}" && test -z "${pt_s0}"; then setenv pt_cur %#x; setenv pt_old %#x; fi`, lba[1], lba[0])
	w(`if test -n "${pt_s1}" && test -n "${pt_s0}" && itest ${pt_s1} -gt ${pt_s0}; then setenv pt_cur %#x; setenv pt_old %#x; fi`, lba[1], lba[0])
	w("for v in %s; do setenv ${v}; done", vars)
	w(`if test -n "${pt_s0}${pt_s1}" && ${devtype} read ${pt_a} ${pt_cur} %s && env import -c ${pt_a} %s %s; then true; else echo payterm: no boot state, starting from the default; fi`, cnt, size, vars)
	def := bootselect.Default().Vars()
	for _, v := range []string{bootselect.VarOrder, bootselect.VarALeft, bootselect.VarBLeft} {
		w(`if test -z "${%s}"; then setenv %s "%s"; fi`, v, v, def[v])
	}
	w(`if test -z "${%s}"; then setenv %s 0; fi`, seq, seq)
	// 2. the first slot of the order with tries left.
	w("setenv pt_slot")
	w(`for s in ${BOOT_ORDER}; do if test -z "${pt_slot}" && test "${s}" = A && test ${BOOT_A_LEFT} -gt 0; then setenv pt_slot A; fi; if test -z "${pt_slot}" && test "${s}" = B && test ${BOOT_B_LEFT} -gt 0; then setenv pt_slot B; fi; done`)
	w(`if test -z "${pt_slot}"; then echo payterm: every slot is out of tries, trying them again; setenv BOOT_A_LEFT %d; setenv BOOT_B_LEFT %d; for s in ${BOOT_ORDER}; do if test -z "${pt_slot}"; then setenv pt_slot ${s}; fi; done; fi`, bootselect.Tries, bootselect.Tries)
	w(`if test "${pt_slot}" != B; then setenv pt_slot A; fi`)
	// 3–4, as a macro run for the slot, then for the other.
	attempt := strings.Join([]string{
		`if test ${pt_slot} = A; then setenv pt_part 1; setenv pt_left ${BOOT_A_LEFT}; else setenv pt_part 2; setenv pt_left ${BOOT_B_LEFT}; fi`,
		`if test ${pt_left} -gt 0; then setexpr pt_left ${pt_left} - 1; fi`,
		`if test ${pt_slot} = A; then setenv BOOT_A_LEFT ${pt_left}; else setenv BOOT_B_LEFT ${pt_left}; fi`,
		fmt.Sprintf(`setexpr %s ${%s} + 1`, seq, seq),
		fmt.Sprintf(`env export -c -s %s ${pt_a} %s`, size, vars),
		fmt.Sprintf(`${devtype} write ${pt_a} ${pt_old} %s`, cnt),
		`setenv pt_w ${pt_old}; setenv pt_old ${pt_cur}; setenv pt_cur ${pt_w}`,
		`echo payterm: slot ${pt_slot}, partition ${pt_part}, ${pt_left} tries left after this one`,
		`setenv bootargs`,
		fmt.Sprintf(`if load ${devtype} ${devnum}:${pt_part} ${pt_a} %s; then env import -t ${pt_a} ${filesize} bootargs; fi`, SlotBootArgs),
		fmt.Sprintf(`if test -n "${bootargs}" && load ${devtype} ${devnum}:${pt_part} ${kernel_addr_r} %s && load ${devtype} ${devnum}:${pt_part} ${ramdisk_addr_r} %s; then setenv bootargs "${bootargs} payterm.slot=${pt_part}"; booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}; fi`, SlotKernel, SlotInitrd),
		`echo payterm: slot ${pt_slot} did not boot`,
	}, "; ")
	w("setenv pt_attempt '%s'", attempt)
	w("run pt_attempt")
	w(`if test ${pt_slot} = A; then setenv pt_slot B; else setenv pt_slot A; fi`)
	w("run pt_attempt")
	w("echo payterm: no slot boots")
	return s.String()
}

// BootArgsFile is a slot's bootargs.env: the kernel command line that
// slot boots with (the script appends payterm.slot), in env import -t's
// format. It lives in the slot, not the script, so that an update can
// change it and the script stays the same everywhere.
func BootArgsFile(args string) []byte {
	return []byte("bootargs=" + strings.ReplaceAll(strings.ReplaceAll(args, "\n", " "), "\"", "") + "\n")
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
