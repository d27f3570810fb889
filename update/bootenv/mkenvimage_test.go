package bootenv

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// mkenvimage runs U-Boot's own image tool (Debian u-boot-tools, installed
// by tools/deps.sh) on text, one name=value per line, and returns the
// image it writes.
func mkenvimage(t *testing.T, text string, size int, redundant bool) []byte {
	t.Helper()
	bin, err := exec.LookPath("mkenvimage")
	if err != nil {
		if testing.Short() {
			t.Skip("mkenvimage not installed (u-boot-tools; tools/deps.sh); skipped with -short")
		}
		t.Fatalf("mkenvimage not installed: run tools/deps.sh (Debian u-boot-tools): %v", err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "env.txt"), filepath.Join(dir, "env.bin")
	if err := os.WriteFile(in, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-s", strconv.Itoa(size), "-o", out, in}
	if redundant {
		args = append([]string{"-r"}, args...)
	}
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("mkenvimage %v: %v\n%s", args, err, b)
	}
	img, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// sortedText is vars as mkenvimage input, in the order Encode stores them.
func sortedText(vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var s strings.Builder
	for _, n := range names {
		s.WriteString(n + "=" + vars[n] + "\n")
	}
	return s.String()
}

func TestMkenvimageInterop(t *testing.T) {
	envs := map[string]map[string]string{
		"boot counters": {"BOOT_ORDER": "A B", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "3"},
		"u-boot defaults": {
			"bootcmd": "run distro_bootcmd", "bootdelay": "0", "arch": "arm", "fdt_addr": "0x40000000",
			"boot_targets": "qfw usb0 scsi0 virtio0 nvme0 dhcp", "kernel_addr_r": "0x40400000",
			"scriptaddr": "0x40200000", "boot_scripts": "boot.scr.uimg boot.scr",
		},
		"single": {"x": "y"},
		"empty":  {},
	}
	for name, vars := range envs {
		for _, redundant := range []bool{false, true} {
			for _, size := range []int{256, 0x2000, 0x40000} {
				if len(vars) > 3 && size == 256 {
					continue
				}
				theirs := mkenvimage(t, sortedText(vars), size, redundant)
				got, flags, err := Decode(theirs, redundant)
				if err != nil {
					t.Fatalf("%s redundant=%v size %d: Decode(mkenvimage): %v", name, redundant, size, err)
				}
				if !maps.Equal(got, vars) {
					t.Fatalf("%s: Decode(mkenvimage) = %q, want %q", name, got, vars)
				}
				ours, err := Encode(vars, size, redundant, flags, 0xff)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(ours, theirs) {
					t.Fatalf("%s redundant=%v size %d: Encode differs from mkenvimage at byte %d", name, redundant, size, firstDiff(ours, theirs))
				}
			}
		}
	}
}

// TestMkenvimageRedundantPair: mkenvimage -r makes one copy (flags 1); a
// device flashed with it in both places, or in one with the other erased,
// reads, and the next Write goes to the other copy.
func TestMkenvimageRedundantPair(t *testing.T) {
	vars := map[string]string{"BOOT_ORDER": "A B", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "3"}
	img := mkenvimage(t, sortedText(vars), testSize, true)
	for _, second := range []string{"same image", "erased"} {
		for _, l := range layouts() {
			d := newDevice(16+2*testSize, 0xff)
			copy(d.b[l.offset(0):], img)
			if second == "same image" {
				copy(d.b[l.offset(1):], img)
			}
			r, err := Read(d, l)
			if err != nil || !maps.Equal(r.Vars, vars) || r.Copy != 0 {
				t.Fatalf("%s: Read = %+v, %v", second, r, err)
			}
			next := map[string]string{"BOOT_ORDER": "B A", "BOOT_A_LEFT": "3", "BOOT_B_LEFT": "3"}
			w, err := Write(d, l, next)
			if err != nil || w.Copy != 1 {
				t.Fatalf("%s: Write = %+v, %v", second, w, err)
			}
			if r, err := Read(d, l); err != nil || !maps.Equal(r.Vars, next) {
				t.Fatalf("%s: after Write: %+v, %v", second, r, err)
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
