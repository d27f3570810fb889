package rootfs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"sort"
	"strings"
)

// U-Boot's environment on QEMU's virt machine (qemu_arm64_defconfig:
// ENV_IS_IN_FLASH at the start of the second flash bank, ENV_SIZE
// 0x40000). QEMU's virt flash banks are 64 MiB each.
const (
	UBootEnvSize   = 0x40000
	VirtFlashBytes = 64 << 20
)

// BootEnvVars are the variables the terminal's U-Boot environment changes
// from U-Boot's built-in default: boot at once, from the disk only. A
// terminal has no one at the console to interrupt autoboot, and the
// default's 2 s wait is a third of the power-on budget; a key held down
// at power-on still stops it (U-Boot checks once even at 0). The
// default boot_targets try QEMU's fw_cfg first ("fatal: no kernel
// available", "Command 'load' failed" on every healthy boot), then USB,
// SCSI, and after the disk, NVMe and the network; the terminal boots
// from its disk or not at all.
func BootEnvVars() map[string]string {
	return map[string]string{"bootdelay": "0", "boot_targets": "virtio0"}
}

// DefaultUBootEnv finds U-Boot's built-in default environment in its
// binary: the run of NUL-separated "name=value" strings that holds
// bootcmd and ends with an empty string. U-Boot keeps it as one array
// (include/env_default.h), which it copies whole when no valid
// environment is stored; taking it from the binary that will boot keeps
// every default (distro boot, load addresses) as that build has them.
func DefaultUBootEnv(bin []byte) ([]string, error) {
	at := bytes.Index(bin, []byte("\x00bootcmd="))
	if at < 0 {
		return nil, errors.New("rootfs: u-boot: no default environment (no bootcmd) in the binary")
	}
	// Walk back over entries before bootcmd (bootargs may come first).
	start := at + 1
	for start > 1 {
		prev := bytes.LastIndexByte(bin[:start-1], 0)
		if prev < 0 || !envEntry(bin[prev+1:start-1]) {
			break
		}
		start = prev + 1
	}
	end := bytes.Index(bin[start:], []byte{0, 0})
	if end < 0 {
		return nil, errors.New("rootfs: u-boot: default environment not terminated")
	}
	var vars []string
	for _, e := range bytes.Split(bin[start:start+end], []byte{0}) {
		if !envEntry(e) {
			return nil, fmt.Errorf("rootfs: u-boot: default environment entry %.40q is not name=value", e)
		}
		vars = append(vars, string(e))
	}
	for _, must := range []string{"bootcmd", "bootdelay"} {
		if _, ok := lookupEnv(vars, must); !ok {
			return nil, fmt.Errorf("rootfs: u-boot: default environment lacks %s", must)
		}
	}
	return vars, nil
}

// envEntry reports whether b looks like one environment entry: a name
// of letters, digits, '_' or '.', '=', then printable text.
func envEntry(b []byte) bool {
	name, value, ok := bytes.Cut(b, []byte("="))
	if !ok || len(name) == 0 {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	for _, c := range value {
		if (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' {
			return false
		}
	}
	return true
}

func lookupEnv(vars []string, name string) (string, bool) {
	for _, v := range vars {
		if n, val, _ := strings.Cut(v, "="); n == name {
			return val, true
		}
	}
	return "", false
}

// UBootEnvImage is a stored U-Boot environment of size bytes: a CRC-32
// (IEEE, little-endian) of the data, then the "name=value" entries each
// ended by NUL, an empty entry, and zero padding — what U-Boot's
// env_import checks and what mkenvimage writes. vars are the defaults;
// set replaces or adds variables. Entries are sorted by name, as U-Boot
// itself stores them.
func UBootEnvImage(vars []string, set map[string]string, size int) ([]byte, error) {
	m := map[string]string{}
	for _, v := range vars {
		n, val, _ := strings.Cut(v, "=")
		m[n] = val
	}
	for n, val := range set {
		m[n] = val
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	img := make([]byte, size)
	off := 4
	for _, n := range names {
		e := n + "=" + m[n]
		if off+len(e)+2 > size {
			return nil, fmt.Errorf("rootfs: u-boot environment over %d bytes", size)
		}
		off += copy(img[off:], e) + 1 // the zeroed byte after it ends it
	}
	binary.LittleEndian.PutUint32(img, crc32.ChecksumIEEE(img[4:]))
	return img, nil
}

// WriteUBootEnvFlash writes path as a flash bank image for QEMU's virt
// machine (-drive if=pflash,unit=1) holding U-Boot's environment: the
// default environment of the U-Boot binary at uboot with set applied. The
// file is sparse: only the environment is data.
func WriteUBootEnvFlash(path, uboot string, set map[string]string) error {
	bin, err := os.ReadFile(uboot)
	if err != nil {
		return fmt.Errorf("rootfs: u-boot (u-boot-qemu; rootfs/deps.sh): %w", err)
	}
	vars, err := DefaultUBootEnv(bin)
	if err != nil {
		return err
	}
	env, err := UBootEnvImage(vars, set, UBootEnvSize)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer os.Remove(tmp)
	_, err = f.Write(env)
	if err == nil {
		err = f.Truncate(VirtFlashBytes)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("rootfs: u-boot environment: %w", err)
	}
	return nil
}
