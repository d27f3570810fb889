package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"payterm/rootfs"
)

// TestExtractSlot: -disk takes partition 1 of a GPT image, byte for byte.
func TestExtractSlot(t *testing.T) {
	const total = 8192
	parts := []rootfs.Partition{
		{Type: rootfs.TypeBasicData(), GUID: rootfs.StableGUID("a"), FirstLBA: 2048, LastLBA: 4095, Name: "boot"},
		{Type: rootfs.TypeBasicData(), GUID: rootfs.StableGUID("b"), FirstLBA: 4096, LastLBA: 6143, Name: "boot-b"},
	}
	head, tail, err := rootfs.GPT(total, rootfs.StableGUID("disk"), parts)
	if err != nil {
		t.Fatal(err)
	}
	disk := make([]byte, total*rootfs.SectorSize)
	copy(disk, head)
	copy(disk[len(disk)-len(tail):], tail)
	slot := bytes.Repeat([]byte("slot A "), 1<<20/7)
	copy(disk[2048*rootfs.SectorSize:], slot)
	disk[4096*rootfs.SectorSize] = 'B'
	p := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(p, disk, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := extractSlot(p)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(got)
	b, _ := os.ReadFile(got)
	if !bytes.Equal(b, disk[2048*rootfs.SectorSize:4096*rootfs.SectorSize]) {
		t.Fatalf("extracted %d bytes, not partition 1", len(b))
	}
}
