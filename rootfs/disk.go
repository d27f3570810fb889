package rootfs

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"payterm/update/bootselect"
	"payterm/update/bootstate"
)

// Partition labels of the disk, also the GPT names PID 1 and the
// firmware look for (update/bootstate holds the shared ones).
const (
	LabelBootA   = bootstate.LabelA
	LabelBootB   = bootstate.LabelB
	LabelData    = "data"
	LabelBootEnv = bootstate.PartitionLabel
)

// DiskSpec describes the disk image: a GPT disk with
//
//	1 "boot"    slot A: a slot image (SlotImage) written raw, legacy-bootable
//	2 "boot-b"  slot B: the same for slot B, zeros until an update writes it
//	3 "data"    ext4: configuration, keys, the ServiceID store, the journal
//	4 "bootenv" the boot state's two copies (update/bootstate), in the
//	            free MiB before partition 1 so that 1–3 keep their numbers
//
// partitions 1–3 starting on MiB boundaries. Zero sizes take the
// defaults below.
type DiskSpec struct {
	Path string // output file, replaced
	// SlotA and SlotB are slot images (SlotImage) for the two boot
	// partitions; "" leaves a partition zeroed.
	SlotA, SlotB string
	// Boot is the boot state written to both copies; the zero value is
	// bootselect.Default().
	Boot     bootselect.State
	DataDir  string // host directory copied into the data partition; "" for empty
	BootSize int64  // bytes per boot slot; 0: 128 MiB
	DataSize int64  // bytes; 0: 64 MiB
	Seed     string // makes the GUIDs and volume IDs; "" is "payterm"
}

const mib = 1 << 20

// Partition indexes in DiskPartitions' result (partition number - 1).
const (
	PartSlotA = iota
	PartSlotB
	PartData
	PartBootEnv
)

// bootEnvLBA and bootEnvSectors place the bootenv partition: the second
// half of the MiB before partition 1 (the GPT ends at sector 33).
const (
	bootEnvLBA     = 1024
	bootEnvSectors = 1024
)

// DiskPartitions computes the partition table of a disk for spec, and the
// disk's size in sectors.
func DiskPartitions(spec DiskSpec) (total uint64, parts []Partition) {
	boot, data := spec.BootSize, spec.DataSize
	if boot <= 0 {
		boot = 128 * mib
	}
	if data <= 0 {
		data = 64 * mib
	}
	seed := or(spec.Seed, "payterm")
	sizes := []int64{alignUp(boot, mib), alignUp(boot, mib), alignUp(data, mib)}
	types := []GUID{TypeBasicData(), TypeBasicData(), TypeLinuxData()}
	names := []string{LabelBootA, LabelBootB, LabelData}
	start := uint64(mib / SectorSize)
	for i, sz := range sizes {
		n := uint64(sz / SectorSize)
		p := Partition{Type: types[i], GUID: StableGUID(seed + "/" + names[i]), FirstLBA: start, LastLBA: start + n - 1, Name: names[i]}
		if i == PartSlotA || i == PartSlotB {
			// Both slots: distro boot scans the second when the first
			// does not hold a readable boot.scr (an update mid-write).
			p.Attributes = AttrLegacyBootable
		}
		parts = append(parts, p)
		start += n
	}
	parts = append(parts, Partition{Type: TypeLinuxData(), GUID: StableGUID(seed + "/" + LabelBootEnv),
		FirstLBA: bootEnvLBA, LastLBA: bootEnvLBA + bootEnvSectors - 1, Name: LabelBootEnv})
	// One MiB at the end holds the backup GPT and keeps the size round.
	return start + mib/SectorSize, parts
}

func alignUp(n, a int64) int64 { return (n + a - 1) / a * a }

// BuildDisk writes the disk image: the GPT (written here), the slot
// images copied raw into their partitions, both copies of the boot
// state, and the ext4 file system (mke2fs -d from e2fsprogs) made in
// place. Timestamps are SourceDateEpoch and identifiers come from Seed,
// so equal inputs give an equal image. The file is sparse.
func BuildDisk(ctx context.Context, spec DiskSpec) error {
	total, parts := DiskPartitions(spec)
	seed := or(spec.Seed, "payterm")
	head, tail, err := GPT(total, StableGUID(seed+"/disk"), parts)
	if err != nil {
		return err
	}
	tmp := spec.Path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer os.Remove(tmp)
	err = f.Truncate(int64(total) * SectorSize)
	if err == nil {
		_, err = f.WriteAt(head, 0)
	}
	if err == nil {
		_, err = f.WriteAt(tail, int64(total)*SectorSize-int64(len(tail)))
	}
	for i, slot := range []string{spec.SlotA, spec.SlotB} {
		if err == nil && slot != "" {
			err = copyInto(f, slot, parts[i])
		}
	}
	if err == nil {
		err = writeBootState(f, parts[PartBootEnv], spec.Boot)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rootfs: disk: %w", err)
	}
	stage, err := os.MkdirTemp(filepath.Dir(spec.Path), ".stage-")
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer os.RemoveAll(stage)

	data := filepath.Join(stage, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if spec.DataDir != "" {
		if err := os.CopyFS(data, os.DirFS(spec.DataDir)); err != nil {
			return fmt.Errorf("rootfs: data partition files: %w", err)
		}
	}
	if err := fixTimes(data); err != nil {
		return err
	}
	uuid := StableGUID(seed + "/data").String()
	env := []string{fmt.Sprintf("E2FSPROGS_FAKE_TIME=%d", SourceDateEpoch)}
	dp := parts[PartData]
	if err := run(ctx, env, "mke2fs", "-q", "-F", "-t", "ext4", "-L", LabelData, "-U", uuid,
		"-E", fmt.Sprintf("hash_seed=%s,root_owner=0:0,nodiscard,offset=%d", uuid, dp.FirstLBA*SectorSize),
		"-d", data, tmp, fmt.Sprintf("%dk", partBytes(dp)/1024)); err != nil {
		return err
	}
	if err := pinChangeTimes(ctx, data, fmt.Sprintf("%s?offset=%d", tmp, dp.FirstLBA*SectorSize)); err != nil {
		return err
	}
	if err := os.Rename(tmp, spec.Path); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}

// copyInto writes the file at src raw at the start of partition p,
// leaving holes where src has zero blocks.
func copyInto(dst *os.File, src string, p Partition) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if uint64(len(b)) > partBytes(p) {
		return fmt.Errorf("%s: %d bytes do not fit partition %s (%d)", src, len(b), p.Name, partBytes(p))
	}
	const block = 64 << 10
	for off := 0; off < len(b); off += block {
		chunk := b[off:min(off+block, len(b))]
		if allZero(chunk) {
			continue
		}
		if _, err := dst.WriteAt(chunk, int64(p.FirstLBA)*SectorSize+int64(off)); err != nil {
			return err
		}
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// writeBootState writes st into both copies of the bootenv partition,
// copy 0 with sequence 1 and copy 1 with 0: both valid, so a healthy
// first boot reads two good copies.
func writeBootState(f *os.File, p Partition, st bootselect.State) error {
	if st.Order[0] == bootselect.None {
		st = bootselect.Default()
	}
	l := bootstate.Layout()
	for c, seq := range []uint64{1, 0} {
		img, err := l.Image(st.Vars(), seq)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(img, int64(p.FirstLBA)*SectorSize+l.Offsets[c]); err != nil {
			return err
		}
	}
	return nil
}

func partBytes(p Partition) uint64 { return (p.LastLBA - p.FirstLBA + 1) * SectorSize }

// run runs a tool, returning its output in the error when it fails.
func run(ctx context.Context, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("rootfs: %s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rootfs: copying %s: %w", src, err)
	}
	t := time.Unix(SourceDateEpoch, 0)
	if err := os.Chtimes(dst, t, t); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}

// fixTimes sets every mtime under dir to SourceDateEpoch, children first.
func fixTimes(dir string) error {
	var paths []string
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		paths = append(paths, p)
		return err
	}); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	t := time.Unix(SourceDateEpoch, 0)
	for i := len(paths) - 1; i >= 0; i-- {
		if err := os.Chtimes(paths[i], t, t); err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
	}
	return nil
}

// pinChangeTimes sets the ctime of every file mke2fs -d copied from dir
// to SourceDateEpoch: e2fsprogs 1.47.0 copies the source's ctime, which
// no one can set, so without this two builds a second apart differ.
func pinChangeTimes(ctx context.Context, dir, image string) error {
	var cmds strings.Builder
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		fmt.Fprintf(&cmds, "sif %q ctime @%d\n", "/"+filepath.ToSlash(rel), SourceDateEpoch)
		return err
	})
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if cmds.Len() == 0 {
		return nil
	}
	script := filepath.Join(filepath.Dir(dir), "ctimes.debugfs")
	if err := os.WriteFile(script, []byte(cmds.String()), 0o644); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return run(ctx, nil, "debugfs", "-w", "-f", script, image)
}
