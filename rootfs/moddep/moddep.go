// Package moddep reads and writes modules.dep in depmod's format and
// orders a set of kernel modules so each comes after what it needs. The
// image builder uses it to pick the modules an initramfs carries; PID 1
// uses it to load them. Standard library only, so both sides can import it.
//
// The format (depmod(8), modules.dep(5)): one line per module,
//
//	kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko
//
// a path relative to /lib/modules/<release>, a colon, then the paths of
// the modules it depends on, separated by spaces. Blank lines and lines
// starting with '#' are ignored.
package moddep

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// maxLine bounds one modules.dep line; real lines are under 4 KiB.
const maxLine = 1 << 20

// Deps is a parsed modules.dep: for each module, its file and the files it
// depends on. Modules are keyed by Name (dashes folded to underscores).
// The zero value is an empty table.
type Deps struct {
	entries map[string]Entry
}

// Entry is one module: its path relative to /lib/modules/<release> and
// the paths of its direct dependencies, in file order.
type Entry struct {
	Path     string
	Requires []string
}

// Name is a module's canonical name: the file's base name without ".ko"
// and any compression suffix, with '-' folded to '_' as the kernel does.
// Name("kernel/drivers/gpio/gpio-pl061.ko.xz") is "gpio_pl061"; a bare
// module name comes back folded.
func Name(p string) string {
	b := path.Base(p)
	for _, ext := range []string{".xz", ".zst", ".gz"} {
		b = strings.TrimSuffix(b, ext)
	}
	b = strings.TrimSuffix(b, ".ko")
	return strings.ReplaceAll(b, "-", "_")
}

// Parse reads modules.dep. It fails on a line without a colon, an empty or
// absolute path, a path with "..", or two lines for one module name.
func Parse(r io.Reader) (Deps, error) {
	d := Deps{entries: map[string]Entry{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		mod, reqs, ok := strings.Cut(line, ":")
		if !ok {
			return Deps{}, fmt.Errorf("moddep: line %d: no colon", n)
		}
		mod = strings.TrimSpace(mod)
		if err := checkPath(mod); err != nil {
			return Deps{}, fmt.Errorf("moddep: line %d: %w", n, err)
		}
		e := Entry{Path: mod}
		for _, r := range strings.Fields(reqs) {
			if err := checkPath(r); err != nil {
				return Deps{}, fmt.Errorf("moddep: line %d: %w", n, err)
			}
			e.Requires = append(e.Requires, r)
		}
		name := Name(mod)
		if _, dup := d.entries[name]; dup {
			return Deps{}, fmt.Errorf("moddep: line %d: module %s listed twice", n, name)
		}
		d.entries[name] = e
	}
	if err := sc.Err(); err != nil {
		return Deps{}, fmt.Errorf("moddep: %w", err)
	}
	return d, nil
}

func checkPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("empty module path")
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("absolute module path %q", p)
	case p != path.Clean(p) || p == "." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("unclean module path %q", p)
	case !hasModuleSuffix(p) || !validName(Name(p)):
		return fmt.Errorf("module path %q does not end in a module name and .ko", p)
	}
	return nil
}

func hasModuleSuffix(p string) bool {
	for _, ext := range []string{".ko", ".ko.xz", ".ko.zst", ".ko.gz"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// validName reports whether n is a kernel module name: letters, digits
// and underscores (after folding dashes), not empty.
func validName(n string) bool {
	if n == "" {
		return false
	}
	for _, c := range n {
		if !(c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// Add records a module. It replaces an earlier entry of the same name.
func (d *Deps) Add(e Entry) {
	if d.entries == nil {
		d.entries = map[string]Entry{}
	}
	d.entries[Name(e.Path)] = e
}

// Lookup returns the entry of the module called name (dashes or
// underscores).
func (d Deps) Lookup(name string) (Entry, bool) {
	e, ok := d.entries[Name(name)]
	return e, ok
}

// Len is the number of modules.
func (d Deps) Len() int { return len(d.entries) }

// Names lists the module names, sorted.
func (d Deps) Names() []string {
	n := make([]string, 0, len(d.entries))
	for k := range d.entries {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// MissingError is returned by Closure when a module is not in the table.
type MissingError struct {
	Name     string // the module not found
	NeededBy string // the module that requires it; "" when it was asked for
}

func (e *MissingError) Error() string {
	if e.NeededBy == "" {
		return fmt.Sprintf("moddep: module %s not found", e.Name)
	}
	return fmt.Sprintf("moddep: module %s (needed by %s) not found", e.Name, e.NeededBy)
}

// Closure returns the modules named, with everything they depend on, in
// load order: every module comes after all of its dependencies, and
// otherwise in the order asked (dependencies in the order their line lists
// them). Each module appears once. A name or dependency missing from the
// table is a *MissingError; a dependency cycle is an error.
func (d Deps) Closure(names []string) ([]Entry, error) {
	const (
		unseen = iota
		visiting
		done
	)
	state := map[string]int{}
	var out []Entry
	var visit func(name, by string) error
	visit = func(name, by string) error {
		name = Name(name)
		switch state[name] {
		case done:
			return nil
		case visiting:
			return fmt.Errorf("moddep: dependency cycle through %s", name)
		}
		e, ok := d.entries[name]
		if !ok {
			return &MissingError{Name: name, NeededBy: by}
		}
		state[name] = visiting
		for _, r := range e.Requires {
			if err := visit(r, name); err != nil {
				return err
			}
		}
		state[name] = done
		out = append(out, e)
		return nil
	}
	for _, n := range names {
		if err := visit(n, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Write writes entries in modules.dep format, in the order given.
func Write(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		bw.WriteString(e.Path)
		bw.WriteString(":")
		for _, r := range e.Requires {
			bw.WriteString(" ")
			bw.WriteString(r)
		}
		bw.WriteString("\n")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("moddep: %w", err)
	}
	return nil
}
