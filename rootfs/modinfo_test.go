package rootfs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseModinfo(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Modinfo
	}{
		{modinfoText("vivid", "videobuf2-v4l2", "cec"), Modinfo{Name: "vivid", Depends: []string{"videobuf2-v4l2", "cec"}}},
		{modinfoText("virtio_blk"), Modinfo{Name: "virtio_blk"}},
		{"depends=a,,b\x00junk\x00", Modinfo{Depends: []string{"a", "b"}}},
		{"", Modinfo{}},
	} {
		if got := ParseModinfo([]byte(c.in)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseModinfo(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func FuzzParseModinfo(f *testing.F) {
	f.Add([]byte(modinfoText("ext4", "jbd2", "mbcache", "crc16")))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := ParseModinfo(b)
		for _, d := range m.Depends {
			if d == "" {
				t.Fatal("empty dependency name")
			}
		}
	})
}

func TestReadModinfoELF(t *testing.T) {
	m, err := ReadModinfo(bytes.NewReader(fakeModuleELF(modinfoText("drm_kms_helper", "drm"))))
	if err != nil || m.Name != "drm_kms_helper" || len(m.Depends) != 1 {
		t.Errorf("ReadModinfo = %+v, %v", m, err)
	}
	if _, err := ReadModinfo(bytes.NewReader([]byte("not elf"))); err == nil {
		t.Error("non-ELF accepted")
	}
}

func TestScanModules(t *testing.T) {
	dir := t.TempDir()
	for p, info := range map[string]string{
		"kernel/a/ext4.ko":    modinfoText("ext4", "jbd2"),
		"kernel/b/jbd2.ko":    modinfoText("jbd2"),
		"kernel/c/gpio-x.ko":  "depends=\x00", // no name=: taken from the file
		"kernel/c/user-x.ko":  modinfoText("user_x", "gpio_x"),
		"kernel/c/readme.txt": "",
	} {
		p = filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, fakeModuleELF(info), 0o644)
	}
	got, err := ScanModules(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Path != "kernel/a/ext4.ko" || !reflect.DeepEqual(got[0].Requires, []string{"kernel/b/jbd2.ko"}) ||
		!reflect.DeepEqual(got[3].Requires, []string{"kernel/c/gpio-x.ko"}) {
		t.Errorf("ScanModules = %+v", got)
	}
	os.WriteFile(filepath.Join(dir, "kernel", "d.ko"), fakeModuleELF(modinfoText("d", "absent")), 0o644)
	if _, err := ScanModules(context.Background(), dir); err == nil {
		t.Error("unresolved dependency accepted")
	}
}
