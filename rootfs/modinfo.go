package rootfs

import (
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"payterm/internal/atomicfile"
	"sort"
	"strings"

	"payterm/rootfs/moddep"
)

// Modinfo is what a module says about itself in its .modinfo section.
type Modinfo struct {
	Name    string   // name= (underscores), "" when the section lacks it
	Depends []string // depends=: modules it needs symbols from, by name
}

// ParseModinfo reads a .modinfo section: NUL-separated "key=value"
// strings. Keys other than name and depends are ignored.
func ParseModinfo(sec []byte) Modinfo {
	var m Modinfo
	for _, kv := range bytes.Split(sec, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok {
			continue
		}
		switch k {
		case "name":
			m.Name = v
		case "depends":
			for _, d := range strings.Split(v, ",") {
				if d = strings.TrimSpace(d); d != "" {
					m.Depends = append(m.Depends, d)
				}
			}
		}
	}
	return m
}

// ReadModinfo reads the .modinfo section of a module ELF file.
func ReadModinfo(r io.ReaderAt) (Modinfo, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return Modinfo{}, fmt.Errorf("rootfs: module: %w", err)
	}
	s := f.Section(".modinfo")
	if s == nil {
		return Modinfo{}, fmt.Errorf("rootfs: module has no .modinfo section")
	}
	b, err := s.Data()
	if err != nil {
		return Modinfo{}, fmt.Errorf("rootfs: module .modinfo: %w", err)
	}
	return ParseModinfo(b), nil
}

// ReadModuleFile returns a module file's bytes, decompressed when its
// name ends in .xz or .zst (by the xz and zstd tools) or .gz.
func ReadModuleFile(ctx context.Context, p string) ([]byte, error) {
	switch {
	case strings.HasSuffix(p, ".xz"):
		return runOutput(ctx, "xz", "-dc", p)
	case strings.HasSuffix(p, ".zst"):
		return runOutput(ctx, "zstd", "-dcq", p)
	case strings.HasSuffix(p, ".gz"):
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("rootfs: %w", err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("rootfs: %s: %w", p, err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("rootfs: %s: %w", p, err)
		}
		return b, nil
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	return b, nil
}

func runOutput(ctx context.Context, name string, args ...string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("rootfs: %s %s: %w%s", name, strings.Join(args, " "), err, stderrOf(err))
	}
	return out, nil
}

func isModuleFile(name string) bool {
	for _, ext := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// ScanModules reads every module under dir (lib/modules/<release>) and
// returns the modules.dep table their depends= fields describe, in path
// order. This is what depmod computes, without needing depmod for a
// foreign architecture. A dependency no module provides is an error.
func ScanModules(ctx context.Context, dir string) ([]moddep.Entry, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isModuleFile(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rootfs: scanning modules: %w", err)
	}
	sort.Strings(files)
	paths := map[string]string{} // name → path relative to dir
	infos := make([]Modinfo, len(files))
	for i, p := range files {
		b, err := ReadModuleFile(ctx, p)
		if err != nil {
			return nil, err
		}
		mi, err := ReadModinfo(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("rootfs: %s: %w", p, err)
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if mi.Name == "" {
			mi.Name = moddep.Name(rel)
		}
		infos[i] = mi
		paths[moddep.Name(mi.Name)] = rel
	}
	entries := make([]moddep.Entry, len(files))
	for i, mi := range infos {
		e := moddep.Entry{Path: paths[moddep.Name(mi.Name)]}
		for _, d := range mi.Depends {
			dp, ok := paths[moddep.Name(d)]
			if !ok {
				return nil, fmt.Errorf("rootfs: module %s depends on %s, which is not in %s", mi.Name, d, dir)
			}
			e.Requires = append(e.Requires, dp)
		}
		entries[i] = e
	}
	return entries, nil
}

// WriteModulesDep writes dir/modules.dep from ScanModules.
func WriteModulesDep(dir string) error {
	entries, err := ScanModules(context.Background(), dir)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := moddep.Write(&buf, entries); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "modules.dep"), buf.Bytes(), 0o644)
}

// writeFileAtomic replaces p with data (internal/atomicfile), so a
// reader sees the old or the new content, never a part.
func writeFileAtomic(p string, data []byte, perm fs.FileMode) error {
	if err := atomicfile.WriteFile(p, data, perm); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}
