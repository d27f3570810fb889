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
)

func TestBootScriptText(t *testing.T) {
	s := BootScript{Args: `console=ttyAMA0 "x"`}.Text()
	for _, want := range []string{
		"setenv boot_part 1\n",
		"load ${devtype} ${devnum}:1 ${kernel_addr_r} slot.env",
		"env import -t ${kernel_addr_r} ${filesize} boot_part",
		"load ${devtype} ${devnum}:${boot_part} ${kernel_addr_r} Image",
		"load ${devtype} ${devnum}:${boot_part} ${ramdisk_addr_r} initrd.img",
		`setenv bootargs "console=ttyAMA0 x payterm.slot=${boot_part}"`,
		"booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
	// The initrd must be the last load: booti's size is its ${filesize}.
	if strings.LastIndex(s, "initrd.img") > strings.Index(s, "booti ${") {
		t.Error("initrd loaded after booti")
	}
}

func TestMakeBootScr(t *testing.T) {
	needTools(t, "mkimage")
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.scr"), filepath.Join(dir, "b.scr")
	text := BootScript{Args: DefaultArgs}.Text()
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

// TestBuildDisk builds a small disk twice and reads it back with the
// tools' own readers: sgdisk, mtools and debugfs.
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
	spec := func(p string) DiskSpec {
		return DiskSpec{Path: p, BootSize: 40 * mib, DataSize: 8 * mib, DataDir: data,
			BootFiles: map[string]string{"Image": kernel, "boot.scr": scr}}
	}
	d1, d2 := filepath.Join(dir, "d1.img"), filepath.Join(dir, "d2.img")
	ctx := context.Background()
	if err := BuildDisk(ctx, spec(d1)); err != nil {
		t.Fatal(err)
	}
	// A second apart, so a clock reading leaking into the image shows
	// every time, not only when the builds straddle a second.
	time.Sleep(1100 * time.Millisecond)
	if err := BuildDisk(ctx, spec(d2)); err != nil {
		t.Fatal(err)
	}
	if fileHash(t, d1) != fileHash(t, d2) {
		t.Error("two builds of the same disk differ")
	}
	if out, err := exec.Command("sgdisk", "-v", d1).CombinedOutput(); err != nil || !strings.Contains(string(out), "No problems found") {
		t.Errorf("sgdisk -v: %v\n%s", err, out)
	}
	out, err := exec.Command("mdir", "-b", "-i", d1+"@@1M", "::/").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Image") || !strings.Contains(string(out), "boot.scr") {
		t.Errorf("mdir slot A: %v\n%s", err, out)
	}
	out, err = exec.Command("mdir", "-b", "-i", d1+"@@41M", "::/").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("slot B not empty: %v\n%s", err, out)
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
