package rootfs

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Partition labels of the disk, also the GPT names PID 1 looks for.
const (
	LabelBootA = "boot"
	LabelBootB = "boot-b"
	LabelData  = "data"
)

// DiskSpec describes the disk image: a GPT disk with
//
//	1 "boot"   FAT32, slot A: boot.scr, Image, initrd.img (legacy-bootable)
//	2 "boot-b" FAT32, slot B: empty until an update writes it
//	3 "data"   ext4: configuration, keys, the ServiceID store, the journal
//
// each starting on a MiB boundary. Zero sizes take the defaults below.
type DiskSpec struct {
	Path      string            // output file, replaced
	BootFiles map[string]string // file name on slot A → host path
	DataDir   string            // host directory copied into the data partition; "" for empty
	BootSize  int64             // bytes per boot slot; 0: 128 MiB
	DataSize  int64             // bytes; 0: 64 MiB
	Seed      string            // makes the GUIDs and volume IDs; "" is "payterm"
}

const mib = 1 << 20

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
		if i == 0 {
			p.Attributes = AttrLegacyBootable
		}
		parts = append(parts, p)
		start += n
	}
	// One MiB at the end holds the backup GPT and keeps the size round.
	return start + mib/SectorSize, parts
}

func alignUp(n, a int64) int64 { return (n + a - 1) / a * a }

// BuildDisk writes the disk image: the GPT (written here), the FAT
// file systems (mkfs.vfat and mcopy from dosfstools and mtools) and the
// ext4 one (mke2fs -d from e2fsprogs), each made in place at its
// partition's offset. Timestamps are SourceDateEpoch and identifiers come
// from Seed, so equal inputs give an equal image. The file is sparse.
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

	for i, label := range []string{"BOOT-A", "BOOT-B"} {
		g := StableGUID(seed + "/vol/" + label)
		volID := hex.EncodeToString(g[:4])
		if err := run(ctx, nil, "mkfs.vfat", "--invariant", "-F", "32", "-s", "1", "-n", label, "-i", volID,
			fmt.Sprintf("--offset=%d", parts[i].FirstLBA), tmp, fmt.Sprint(partBytes(parts[i])/1024)); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(spec.BootFiles))
	for n := range spec.BootFiles {
		names = append(names, n)
	}
	sort.Strings(names)
	fat := fmt.Sprintf("%s@@%d", tmp, parts[0].FirstLBA*SectorSize)
	for _, n := range names {
		staged := filepath.Join(stage, n)
		if err := copyFile(spec.BootFiles[n], staged); err != nil {
			return err
		}
		if err := run(ctx, nil, "mcopy", "-m", "-o", "-i", fat, staged, "::/"+n); err != nil {
			return err
		}
	}

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
	if err := run(ctx, env, "mke2fs", "-q", "-F", "-t", "ext4", "-L", LabelData, "-U", uuid,
		"-E", fmt.Sprintf("hash_seed=%s,root_owner=0:0,nodiscard,offset=%d", uuid, parts[2].FirstLBA*SectorSize),
		"-d", data, tmp, fmt.Sprintf("%dk", partBytes(parts[2])/1024)); err != nil {
		return err
	}
	if err := pinChangeTimes(ctx, data, fmt.Sprintf("%s?offset=%d", tmp, parts[2].FirstLBA*SectorSize)); err != nil {
		return err
	}
	if err := os.Rename(tmp, spec.Path); err != nil {
		return fmt.Errorf("rootfs: %w", err)
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
