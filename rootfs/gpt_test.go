package rootfs

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestGUID(t *testing.T) {
	g := TypeBasicData()
	if g.String() != "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7" {
		t.Errorf("String = %s", g)
	}
	b := g.Bytes()
	// On disk the first three fields are little-endian (UEFI appendix A).
	if want := []byte{0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0}; !bytes.Equal(b[:10], want) {
		t.Errorf("Bytes = % X", b)
	}
	if guidFromBytes(b[:]) != g {
		t.Error("guidFromBytes(Bytes()) changed the GUID")
	}
	s1, s2 := StableGUID("x"), StableGUID("x")
	if s1 != s2 || s1 == StableGUID("y") || s1[6]>>4 != 4 || s1[8]>>6 != 2 {
		t.Errorf("StableGUID: %s %s", s1, StableGUID("y"))
	}
	for _, bad := range []string{"", "EBD0A0A2B9E5-4433-87C0-68B6B72699C7x", "ZBD0A0A2-B9E5-4433-87C0-68B6B72699C7"} {
		if _, err := ParseGUID(bad); err == nil {
			t.Errorf("ParseGUID(%q) accepted", bad)
		}
	}
}

func TestGPTRoundTrip(t *testing.T) {
	total, parts := DiskPartitions(DiskSpec{BootSize: 40 * mib, DataSize: 8 * mib, Seed: "t"})
	if want := uint64((1 + 40 + 40 + 8 + 1) * mib / SectorSize); total != want {
		t.Fatalf("total %d sectors, want %d", total, want)
	}
	disk := StableGUID("t/disk")
	head, tail, err := GPT(total, disk, parts)
	if err != nil {
		t.Fatal(err)
	}
	if len(head) != 34*SectorSize || len(tail) != 33*SectorSize {
		t.Fatalf("head %d tail %d bytes", len(head), len(tail))
	}
	if head[510] != 0x55 || head[511] != 0xAA || head[450] != 0xEE {
		t.Error("no protective MBR")
	}
	gotDisk, got, err := ReadGPT(head)
	if err != nil {
		t.Fatal(err)
	}
	if gotDisk != disk || !reflect.DeepEqual(got, parts) {
		t.Errorf("ReadGPT = %v %+v\nwant %v %+v", gotDisk, got, disk, parts)
	}
	if got[0].Attributes != AttrLegacyBootable || got[0].Name != "boot" || got[2].Name != "data" || got[0].FirstLBA != 2048 {
		t.Errorf("partition 1 %+v, 3 %+v", got[0], got[2])
	}
	// The backup header points back at LBA 1 and at its own array.
	bh := tail[32*SectorSize:]
	if string(bh[:8]) != "EFI PART" || binary.LittleEndian.Uint64(bh[24:]) != total-1 ||
		binary.LittleEndian.Uint64(bh[32:]) != 1 || binary.LittleEndian.Uint64(bh[72:]) != total-33 {
		t.Error("backup header fields wrong")
	}
	if !bytes.Equal(tail[:32*SectorSize], head[2*SectorSize:]) {
		t.Error("backup entry array differs from the primary")
	}
	head[2*SectorSize+100] ^= 1
	if _, _, err := ReadGPT(head); err == nil {
		t.Error("corrupt entry array accepted")
	}
}

func TestGPTRejects(t *testing.T) {
	p := func(first, last uint64) Partition {
		return Partition{Type: TypeLinuxData(), FirstLBA: first, LastLBA: last, Name: "p"}
	}
	for name, parts := range map[string][]Partition{
		"before usable": {p(10, 100)},
		"past usable":   {p(2048, 4096)},
		"overlap":       {p(2048, 3000), p(3000, 3500)},
		"reversed":      {p(3000, 2048)},
		"long name":     {{Type: TypeLinuxData(), FirstLBA: 2048, LastLBA: 2100, Name: strings.Repeat("x", 37)}},
	} {
		if _, _, err := GPT(4096, GUID{}, parts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestGPTWithSgdisk has sgdisk (gdisk) verify a disk with only the table.
func TestGPTWithSgdisk(t *testing.T) {
	needTools(t, "sgdisk")
	total, parts := DiskPartitions(DiskSpec{})
	head, tail, err := GPT(total, StableGUID("disk"), parts)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "d.img")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(int64(total) * SectorSize)
	f.WriteAt(head, 0)
	f.WriteAt(tail, int64(total)*SectorSize-int64(len(tail)))
	f.Close()
	out, err := exec.Command("sgdisk", "-v", p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No problems found") {
		t.Fatalf("sgdisk -v: %v\n%s", err, out)
	}
	out, err = exec.Command("sgdisk", "-p", p).CombinedOutput()
	if err != nil {
		t.Fatalf("sgdisk -p: %v\n%s", err, out)
	}
	for _, want := range []string{"boot", "boot-b", "data", "0700", "8300"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("sgdisk -p lacks %q:\n%s", want, out)
		}
	}
}

func FuzzReadGPT(f *testing.F) {
	total, parts := DiskPartitions(DiskSpec{})
	head, _, _ := GPT(total, StableGUID("f"), parts)
	f.Add(head)
	f.Add(head[:600])
	f.Fuzz(func(t *testing.T, b []byte) {
		disk, ps, err := ReadGPT(b)
		if err != nil {
			return
		}
		// What decodes must encode back to an equal table when valid.
		if len(ps) == 0 {
			return
		}
		h2, _, err := GPT(1<<40, disk, ps)
		if err != nil {
			return
		}
		if _, ps2, err := ReadGPT(h2); err != nil || !reflect.DeepEqual(ps, ps2) {
			t.Fatalf("re-encoded table differs: %v", err)
		}
	})
}
