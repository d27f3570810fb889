package rootfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"payterm/rootfs/moddep"
)

// ModuleSet is the part of a kernel's modules an image carries: the
// modules asked for and everything they depend on.
type ModuleSet struct {
	// Entries is the closure in load order, with paths as they are stored
	// in the image: relative to lib/modules/<release>, uncompressed (no
	// .xz/.zst/.gz suffix).
	Entries []moddep.Entry
	// Sources maps each entry's path to its file in the kernel tree.
	Sources map[string]string
	// Asked lists the modules asked for that are loadable, in the order
	// asked; Builtin those compiled into the kernel (nothing to load).
	Asked   []string
	Builtin []string
}

// SelectModules picks from the kernel's modulesDir (lib/modules/<release>,
// with modules.dep and modules.builtin) the modules named and their
// dependencies. A name that is neither a module nor built in is an error:
// the board asks for a driver this kernel lacks.
func SelectModules(modulesDir string, names []string) (ModuleSet, error) {
	depFile, err := os.ReadFile(filepath.Join(modulesDir, "modules.dep"))
	if err != nil {
		return ModuleSet{}, fmt.Errorf("rootfs: %w", err)
	}
	deps, err := moddep.Parse(bytes.NewReader(depFile))
	if err != nil {
		return ModuleSet{}, fmt.Errorf("rootfs: %s: %w", modulesDir, err)
	}
	builtin := moddep.Builtin{}
	if b, err := os.ReadFile(filepath.Join(modulesDir, "modules.builtin")); err == nil {
		if builtin, err = moddep.ParseBuiltin(bytes.NewReader(b)); err != nil {
			return ModuleSet{}, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return ModuleSet{}, fmt.Errorf("rootfs: %w", err)
	}
	var set ModuleSet
	seen := map[string]bool{}
	for _, n := range names {
		n = moddep.Name(n)
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, ok := deps.Lookup(n); ok {
			set.Asked = append(set.Asked, n)
		} else if builtin.Has(n) {
			set.Builtin = append(set.Builtin, n)
		} else {
			return ModuleSet{}, fmt.Errorf("rootfs: module %s is neither a module nor built into this kernel", n)
		}
	}
	closure, err := deps.Closure(set.Asked)
	if err != nil {
		return ModuleSet{}, err
	}
	set.Sources = map[string]string{}
	for _, e := range closure {
		out := moddep.Entry{Path: uncompressedName(e.Path)}
		for _, r := range e.Requires {
			out.Requires = append(out.Requires, uncompressedName(r))
		}
		set.Entries = append(set.Entries, out)
		set.Sources[out.Path] = filepath.Join(modulesDir, filepath.FromSlash(e.Path))
	}
	return set, nil
}

func uncompressedName(p string) string {
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		if s, ok := strings.CutSuffix(p, ".ko"+ext); ok {
			return s + ".ko"
		}
	}
	return p
}

// AddModules puts the set into a, under lib/modules/<release>: each
// module uncompressed (so PID 1 can finit_module it as is), a
// modules.dep for just these modules, the kernel's modules.builtin, and
// etc/modules listing the modules asked for, in order, for PID 1 to load.
func AddModules(ctx context.Context, a *Archive, release, modulesDir string, set ModuleSet) error {
	base := "lib/modules/" + release + "/"
	for _, e := range set.Entries {
		b, err := ReadModuleFile(ctx, set.Sources[e.Path])
		if err != nil {
			return err
		}
		if err := a.AddFile(base+e.Path, b, 0o644); err != nil {
			return err
		}
	}
	var dep bytes.Buffer
	if err := moddep.Write(&dep, set.Entries); err != nil {
		return err
	}
	if err := a.AddFile(base+"modules.dep", dep.Bytes(), 0o644); err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(modulesDir, "modules.builtin")); err == nil {
		if err := a.AddFile(base+"modules.builtin", b, 0o644); err != nil {
			return err
		}
	}
	list := "# Modules PID 1 loads at boot, in order (written by rootfs).\n" + strings.Join(set.Asked, "\n") + "\n"
	return a.AddFile("etc/modules", []byte(list), 0o644)
}
