package rootfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/update/bootstate"
)

func TestBootScriptText(t *testing.T) {
	s := BootScript{EnvLBA: 1024}.Text()
	for _, want := range []string{
		// both copies read, CRC-checked, ordered by BOOT_SEQ in hex
		"${devtype} read ${pt_a} 0x400 0x8 && env import -c ${pt_a} 0x1000 BOOT_SEQ",
		"${devtype} read ${pt_a} 0x480 0x8 && env import -c ${pt_a} 0x1000 BOOT_SEQ",
		"itest ${pt_s1} -gt ${pt_s0}",
		// the state saved over the older copy before anything loads
		"env export -c -s 0x1000 ${pt_a} BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT BOOT_A_VERSION BOOT_B_VERSION BOOT_TRIAL BOOT_SEQ",
		"${devtype} write ${pt_a} ${pt_old} 0x8",
		"load ${devtype} ${devnum}:${pt_part} ${pt_a} bootargs.env",
		`setenv bootargs "${bootargs} payterm.slot=${pt_part}"`,
		"booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}",
		"run pt_attempt\nif test ${pt_slot} = A; then setenv pt_slot B; else setenv pt_slot A; fi\nrun pt_attempt\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	order := []string{"setexpr pt_left ${pt_left} - 1", "setexpr BOOT_SEQ ${BOOT_SEQ} + 1", "env export -c", "${devtype} write", "load ${devtype}", "initrd.img", "booti"}
	at := 0
	for _, step := range order {
		i := strings.Index(s[at:], step)
		if i < 0 {
			t.Fatalf("%q missing or out of order (count, save, then load; the initrd last, booti's size is its ${filesize})", step)
		}
		at += i
	}
	// The script must not depend on the slot it is in, nor on the kernel
	// command line (a slot's bootargs.env).
	if strings.Contains(s, "console=") {
		t.Error("the script carries kernel arguments")
	}
}

func TestBootArgsFile(t *testing.T) {
	if got := string(BootArgsFile("console=ttyAMA0 \"x\"\npanic=-1")); got != "bootargs=console=ttyAMA0 x panic=-1\n" {
		t.Errorf("BootArgsFile = %q", got)
	}
}

func TestMakeBootScr(t *testing.T) {
	needTools(t, "mkimage")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.scr"), filepath.Join(dir, "b.scr")
	text := BootScript{EnvLBA: 1024}.Text()
	if err := MakeBootScr(context.Background(), text, a); err != nil {
		t.Fatal(err)
	}
	if err := MakeBootScr(context.Background(), text, b); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(a)
	y, _ := os.ReadFile(b)
	// Legacy image magic 0x27051956; the script follows the 64-byte header
	// and an 8-byte length table.
	if !bytes.HasPrefix(x, []byte{0x27, 0x05, 0x19, 0x56}) || !bytes.Contains(x, []byte("booti")) {
		t.Errorf("not a script image: % x", x[:8])
	}
	if !bytes.Equal(x, y) {
		t.Error("two builds differ")
	}
}

// TestBuildDisk builds a slot image and a small disk twice and reads
// them back with the tools' own readers (sgdisk, mtools, debugfs) and the
// firmware's (bootstate).
func TestBuildDisk(t *testing.T) {
	needTools(t, "mkfs.vfat", "mcopy", "mdir", "mke2fs", "debugfs", "sgdisk")
	dir := t.TempDir()
	kernel := filepath.Join(dir, "Image")
	os.WriteFile(kernel, bytes.Repeat([]byte("k"), 300000), 0o644)
	scr := filepath.Join(dir, "boot.scr")
	os.WriteFile(scr, []byte("script"), 0o644)
	data := filepath.Join(dir, "datadir")
	os.MkdirAll(filepath.Join(data, "keys"), 0o755)
	os.WriteFile(filepath.Join(data, "keys", "k.pem"), []byte("key"), 0o600)
	ctx := context.Background()
	slot := func(p string) string {
		t.Helper()
		out, err := SlotImage(ctx, SlotSpec{Path: p, Files: map[string]string{"Image": kernel, "boot.scr": scr}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	boot := FreshBootState("1.2.3")
	spec := func(p string) DiskSpec {
		return DiskSpec{Path: p, BootSize: 40 * mib, DataSize: 8 * mib, DataDir: data, SlotA: slot(p + ".slot"), Boot: boot}
	}
	d1, d2 := filepath.Join(dir, "d1.img"), filepath.Join(dir, "d2.img")
	if err := BuildDisk(ctx, spec(d1)); err != nil {
		t.Fatal(err)
	}
	// A second apart, so a clock reading leaking into the image shows
	// every time, not only when the builds straddle a second.
	time.Sleep(1100 * time.Millisecond)
	if err := BuildDisk(ctx, spec(d2)); err != nil {
		t.Fatal(err)
	}
	if fileHash(t, d1+".slot") != fileHash(t, d2+".slot") {
		t.Error("two builds of the same slot image differ")
	}
	if fileHash(t, d1) != fileHash(t, d2) {
		t.Error("two builds of the same disk differ")
	}
	if st, _ := os.Stat(d1 + ".slot"); st.Size() != slotMinBytes {
		t.Errorf("slot image of 300 KB of files is %d bytes, want the minimum %d", st.Size(), slotMinBytes)
	}
	if out, err := exec.Command("sgdisk", "-v", d1).CombinedOutput(); err != nil || !strings.Contains(string(out), "No problems found") {
		t.Errorf("sgdisk -v: %v\n%s", err, out)
	}
	out, err := exec.Command("mdir", "-b", "-i", d1+"@@1M", "::/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Image") || !strings.Contains(string(out), "boot.scr") {
		t.Errorf("mdir slot A: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(d1)
	if !allZero(b[41*mib : 81*mib]) {
		t.Error("slot B not empty")
	}
	_, parts := DiskPartitions(DiskSpec{BootSize: 40 * mib, DataSize: 8 * mib})
	if p := parts[PartSlotB]; p.Attributes != AttrLegacyBootable {
		t.Errorf("slot B not legacy-bootable: %+v", p)
	}
	s, c, err := bootstate.OpenInDisk(d1, int64(parts[PartBootEnv].FirstLBA)*SectorSize)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := s.State(); err != nil || got != boot {
		t.Errorf("boot state %+v, %v; want %+v", got, err, boot)
	}
	ext := filepath.Join(dir, "data.ext4")
	if out, err := exec.Command("dd", "if="+d1, "of="+ext, "bs=1M", "skip=81", "count=8").CombinedOutput(); err != nil {
		t.Fatalf("dd: %v %s", err, out)
	}
	out, err = exec.Command("debugfs", "-R", "cat /keys/k.pem", ext).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "key") {
		t.Errorf("data partition: %v\n%s", err, out)
	}
}

func fileHash(t *testing.T, p string) [32]byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}
