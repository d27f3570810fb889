package rootfs

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeUBoot is a binary with code-like bytes around a default
// environment, as U-Boot's image has.
func fakeUBoot(env ...string) []byte {
	var b bytes.Buffer
	b.WriteString("\x7f\x00\x13code%s%d,%d\x00")
	for _, e := range env {
		b.WriteString(e)
		b.WriteByte(0)
	}
	b.WriteString("\x00\x00\xffmore code bootcmd=not this\x00")
	return b.Bytes()
}

func TestDefaultUBootEnv(t *testing.T) {
	for _, c := range []struct {
		name string
		bin  []byte
		want []string // nil: an error
	}{
		{"bootcmd first", fakeUBoot("bootcmd=run distro_bootcmd", "bootdelay=2", "arch=arm"),
			[]string{"bootcmd=run distro_bootcmd", "bootdelay=2", "arch=arm"}},
		{"bootargs before bootcmd", fakeUBoot("bootargs=console=ttyAMA0", "bootcmd=run x", "bootdelay=2"),
			[]string{"bootargs=console=ttyAMA0", "bootcmd=run x", "bootdelay=2"}},
		{"multi-line value", fakeUBoot("bootcmd=a;\n\tb", "bootdelay=2"), []string{"bootcmd=a;\n\tb", "bootdelay=2"}},
		{"no bootdelay", fakeUBoot("bootcmd=run x", "arch=arm"), nil},
		{"no environment", []byte("just code\x00bootcmd\x00"), nil},
		{"unterminated", []byte("x\x00bootcmd=run x\x00bootdelay=2"), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := DefaultUBootEnv(c.bin)
			if c.want == nil {
				if err == nil {
					t.Fatalf("accepted: %q", got)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("= %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// readEnvImage checks an environment image as U-Boot's env_import does
// and returns its entries.
func readEnvImage(t *testing.T, img []byte) []string {
	t.Helper()
	if crc := binary.LittleEndian.Uint32(img); crc != crc32.ChecksumIEEE(img[4:]) {
		t.Fatalf("CRC %08x does not match the data", crc)
	}
	data := img[4:]
	end := bytes.Index(data, []byte{0, 0})
	if end < 0 {
		t.Fatal("no end of environment")
	}
	return strings.Split(string(data[:end]), "\x00")
}

func TestUBootEnvImage(t *testing.T) {
	img, err := UBootEnvImage([]string{"bootdelay=2", "bootcmd=run distro_bootcmd", "arch=arm"}, BootEnvVars(), UBootEnvSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != UBootEnvSize {
		t.Fatalf("%d bytes, want %d", len(img), UBootEnvSize)
	}
	want := []string{"arch=arm", "boot_targets=virtio0", "bootcmd=run distro_bootcmd", "bootdelay=0"}
	if got := readEnvImage(t, img); !slices.Equal(got, want) {
		t.Fatalf("entries %q, want %q", got, want)
	}
	if _, err := UBootEnvImage([]string{"x=" + strings.Repeat("y", 100)}, nil, 64); err == nil {
		t.Fatal("an environment larger than its area was accepted")
	}
}

// TestUBootEnvFromDebian reads the default environment of the U-Boot the
// image boots with and checks the flash image made from it.
func TestUBootEnvFromDebian(t *testing.T) {
	if _, err := os.Stat(UBootQEMU); err != nil {
		if testing.Short() {
			t.Skip("u-boot-qemu not installed")
		}
		t.Fatalf("%s missing: run rootfs/deps.sh", UBootQEMU)
	}
	path := filepath.Join(t.TempDir(), "env.img")
	if err := WriteUBootEnvFlash(path, UBootQEMU, BootEnvVars()); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(img) != VirtFlashBytes {
		t.Fatalf("flash image of %d bytes, want %d", len(img), VirtFlashBytes)
	}
	vars := readEnvImage(t, img[:UBootEnvSize])
	for _, want := range []string{"bootdelay=0", "bootcmd=run distro_bootcmd"} {
		if !slices.Contains(vars, want) {
			t.Errorf("environment lacks %q", want)
		}
	}
	if !slices.ContainsFunc(vars, func(v string) bool { return strings.HasPrefix(v, "distro_bootcmd=") }) {
		t.Error("environment lost distro_bootcmd")
	}
}

func FuzzDefaultUBootEnv(f *testing.F) {
	f.Add(fakeUBoot("bootcmd=run distro_bootcmd", "bootdelay=2"))
	f.Add([]byte("\x00bootcmd=\x00\x00"))
	f.Add([]byte("\x00bootcmd=x\x00bootdelay=0\x00a=\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		vars, err := DefaultUBootEnv(b)
		if err != nil {
			return
		}
		for _, v := range vars {
			if !envEntry([]byte(v)) {
				t.Fatalf("returned entry %q", v)
			}
		}
		if _, err := UBootEnvImage(vars, BootEnvVars(), UBootEnvSize+len(b)); err != nil {
			t.Fatal(err)
		}
	})
}
