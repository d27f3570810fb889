package rootfs

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// SlotSpec is one boot slot's content.
type SlotSpec struct {
	// Path is the output file, replaced.
	Path string
	// Files are the slot's files, name on the FAT → host path: Image,
	// initrd.img, boot.scr and bootargs.env (SlotKernel, ...).
	Files map[string]string
	// Seed makes the volume ID; "" is "payterm". The ID is the same for
	// both slots: an image is written to either.
	Seed string
}

// slotLabel is the FAT volume label of every slot image.
const slotLabel = "PAYTERM"

// slotMinBytes is the smallest slot image: FAT32 with 512-byte clusters
// needs 65525 clusters.
const slotMinBytes = 40 * mib

// SlotImageSize is the bytes of a slot image holding files of these
// sizes: their clusters, an eighth more for the FATs and directories, and
// a MiB, rounded up to a MiB; at least 40 MiB (FAT32's cluster minimum).
func SlotImageSize(sizes []int64) int64 {
	var n int64
	for _, s := range sizes {
		n += alignUp(s, SectorSize)
	}
	return max(alignUp(n+n/8+mib, mib), slotMinBytes)
}

// SlotImage writes the FAT32 image of one boot slot to spec.Path and
// returns its path: the files, sorted by name, with SourceDateEpoch
// timestamps, a fixed volume ID and label, sized by SlotImageSize. The
// same files give the same bytes, so a bundle built twice from one tree
// is identical. The image goes raw at the start of a slot partition
// (BuildDisk, or an update's install); the rest of the partition is
// left as it was.
func SlotImage(ctx context.Context, spec SlotSpec) (string, error) {
	names := make([]string, 0, len(spec.Files))
	var sizes []int64
	for n, src := range spec.Files {
		st, err := os.Stat(src)
		if err != nil {
			return "", fmt.Errorf("rootfs: slot image: %w", err)
		}
		names = append(names, n)
		sizes = append(sizes, st.Size())
	}
	sort.Strings(names)
	size := SlotImageSize(sizes)
	tmp := spec.Path + ".tmp"
	os.Remove(tmp)
	defer os.Remove(tmp)
	g := StableGUID(or(spec.Seed, "payterm") + "/vol/slot")
	if err := run(ctx, nil, "mkfs.vfat", "-C", "--invariant", "-F", "32", "-s", "1", "-n", slotLabel,
		"-i", hex.EncodeToString(g[:4]), tmp, fmt.Sprint(size/1024)); err != nil {
		return "", err
	}
	stage, err := os.MkdirTemp(filepath.Dir(spec.Path), ".slot-")
	if err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	defer os.RemoveAll(stage)
	for _, n := range names {
		staged := filepath.Join(stage, n)
		if err := copyFile(spec.Files[n], staged); err != nil {
			return "", err
		}
		if err := run(ctx, nil, "mcopy", "-m", "-o", "-i", tmp, staged, "::/"+n); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, spec.Path); err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	return spec.Path, nil
}
