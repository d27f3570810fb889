package systemtest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/poslink"
	"payterm/pos"
	"payterm/rootfs"
)

// ext4 superblock fields (1024 bytes into the file system; Linux
// Documentation/filesystems/ext4/super.rst), 32-bit little-endian.
const (
	sbOffset        = 1024
	sbFreeBlocksLo  = 0x0c
	sbLogBlockSize  = 0x18
	sbMagic         = 0x38
	ext4Magic       = 0xef53
	fullDiskMaxFree = 256 << 10 // "full": less than this left on the data partition
)

// dataFree reads the free space of the data partition of disk from its
// ext4 superblock.
func dataFree(disk string) (int64, error) {
	_, parts := rootfs.DiskPartitions(rootfs.DiskSpec{})
	f, err := os.Open(disk)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sb := make([]byte, 1024)
	if _, err := f.ReadAt(sb, int64(parts[2].FirstLBA)*rootfs.SectorSize+sbOffset); err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	if le.Uint16(sb[sbMagic:]) != ext4Magic {
		return 0, fmt.Errorf("%s: no ext4 file system on the data partition", disk)
	}
	bs := int64(1024) << le.Uint32(sb[sbLogBlockSize:])
	return int64(le.Uint32(sb[sbFreeBlocksLo:])) * bs, nil
}

// fullDataDisk makes a copy of the image's disk whose data partition is
// full: one file takes all the space ext4 has left, root's reserve
// included. It fails if the result has fullDiskMaxFree or more left.
func fullDataDisk(t testing.TB, img terminalImage) string {
	t.Helper()
	free, err := dataFree(img.Path(rootfs.OutDisk))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	copyDevConfig(t, data)
	disk := filepath.Join(dir, "full.img")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The file's extent tree needs a few blocks of its own: back off
	// until mke2fs fits it.
	for slack := int64(16 << 10); ; slack *= 2 {
		if slack > free {
			t.Fatalf("could not fill a data partition with %d bytes free", free)
		}
		// Not zeros: mke2fs -d stores zero blocks as holes.
		if err := os.WriteFile(filepath.Join(data, "filler"), bytes.Repeat([]byte{0xa5}, int(free-slack)), 0o600); err != nil {
			t.Fatal(err)
		}
		err := rootfs.BuildDisk(ctx, rootfs.DiskSpec{Path: disk, DataDir: data, SlotA: img.Path(rootfs.OutSlot), Boot: rootfs.FreshBootState("")})
		if err == nil {
			break
		}
	}
	left, err := dataFree(disk)
	if err != nil {
		t.Fatal(err)
	}
	if left >= fullDiskMaxFree {
		t.Fatalf("data partition still has %d bytes free", left)
	}
	t.Logf("data partition filled: %d bytes free of %d before", left, free)
	return disk
}

// TestDegradedInQEMU boots a terminal missing its optional parts — no
// touch panel, no scanner UART, no camera (vivid refused by the kernel)
// — with its data partition full. The firmware must keep running as PID
// 1, log why each part is missing, show the welcome screen, and answer
// the POS: an order it cannot take (nothing persistent to record it in,
// no reader to pay it) is refused at once with the reason, on the link
// and on the screen, and the terminal stays usable.
func TestDegradedInQEMU(t *testing.T) {
	img := shared.terminal(t)
	disk := fullDataDisk(t, img)
	// A direct kernel boot, so the command line can refuse vivid; the
	// disk is attached as usual and the data partition mounted from it.
	g := boot(t, rootfs.Machine{
		Kernel: img.Path(rootfs.OutImage), Initrd: img.Path(rootfs.OutInitrd), Disk: disk,
		Append:   rootfs.DefaultArgs + " payterm.slot=1 module_blacklist=vivid",
		NoTablet: true, NoScanner: true,
	})
	g.wait(bootTimeout, 0, serialUp)
	for _, want := range [][]string{
		{"msg=modules", "failed=vivid"},
		{"data partition unusable", "fallback=/run/payterm-data"},
		{"scanner unavailable", "/dev/ttyS1"},
		{"touch device not available"},
		{"camera self-test: no camera"},
	} {
		g.wait(stepTimeout, 0, want...)
	}
	if l := g.con.find("data partition mounted", "/dev/vda3"); len(l) == 0 {
		t.Error("the full data partition was not mounted")
	}

	h := newHost(t)
	idle, _ := h.render(checkout.View{Screen: checkout.ScreenIdle})
	g.waitScreen("idle", idle)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := newCashier(t, g)
	o, err := pos.SampleOrder("T-QEMU-DEGRADED")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.link.Acquire(ctx, c.agent.SaleID, "degraded-1", o)
	if err != nil {
		t.Fatalf("CardAcquisition: %v", err)
	}
	if res.Approved || res.Condition != poslink.CondUnavailableService || !strings.Contains(res.Reason, "cannot record payments") {
		t.Fatalf("CardAcquisition with the data partition full answered %+v; want Failure %s naming the storage",
			res, poslink.CondUnavailableService)
	}
	refused, _ := h.render(checkout.View{Screen: checkout.ScreenRefused, Message: "This terminal cannot take payments now."})
	g.waitScreen("refused", refused)
	g.waitScreen("idle after the refusal", idle)
	logBoot(t, g)
	g.checkAlive()
}
