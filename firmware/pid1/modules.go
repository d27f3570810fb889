package pid1

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"payterm/rootfs/moddep"
)

// ModuleReport says what LoadModules did, by module name.
type ModuleReport struct {
	Loaded  []string // loaded now or already, in load order
	Builtin []string // asked for but compiled into the kernel
	Failed  []string // failed, missing, or skipped after a dependency failed
}

// LoadModules loads the modules named, each after its dependencies (from
// <root>/lib/modules/<release>/modules.dep), each once, with params[name]
// as its parameters. A module already loaded counts as loaded. Optional
// hardware must not stop the boot: a module that is missing or fails is
// logged and reported, the modules depending on it are skipped, and the
// rest still load. Only an unreadable modules.dep is an error.
func LoadModules(sys Sys, root, release string, names []string, params map[string]string, log *slog.Logger) (ModuleReport, error) {
	var rep ModuleReport
	dir := filepath.Join(root, "lib", "modules", release)
	f, err := os.Open(filepath.Join(dir, "modules.dep"))
	if err != nil {
		return rep, fmt.Errorf("pid1: modules: %w", err)
	}
	deps, err := moddep.Parse(f)
	f.Close()
	if err != nil {
		return rep, fmt.Errorf("pid1: modules: %w", err)
	}
	builtin := moddep.Builtin{}
	if bf, err := os.Open(filepath.Join(dir, "modules.builtin")); err == nil {
		builtin, err = moddep.ParseBuiltin(bf)
		bf.Close()
		if err != nil {
			return rep, fmt.Errorf("pid1: modules: %w", err)
		}
	}
	failed := map[string]bool{}
	done := map[string]bool{}
	for _, name := range names {
		name = moddep.Name(name)
		if _, ok := deps.Lookup(name); !ok {
			if builtin.Has(name) {
				rep.Builtin = append(rep.Builtin, name)
			} else {
				log.Warn("module not in the image", "module", name)
				rep.Failed = append(rep.Failed, name)
			}
			continue
		}
		order, err := deps.Closure([]string{name})
		if err != nil {
			log.Warn("module dependencies unresolved", "module", name, "err", err)
			rep.Failed = append(rep.Failed, name)
			continue
		}
	modules:
		for _, e := range order {
			m := moddep.Name(e.Path)
			if done[m] || failed[m] {
				continue
			}
			for _, r := range e.Requires {
				if failed[moddep.Name(r)] {
					log.Warn("module skipped: a dependency failed", "module", m, "dependency", moddep.Name(r))
					failed[m] = true
					rep.Failed = append(rep.Failed, m)
					continue modules
				}
			}
			if err := loadModule(sys, filepath.Join(dir, filepath.FromSlash(e.Path)), params[m]); err != nil {
				log.Warn("module failed", "module", m, "err", err)
				failed[m] = true
				rep.Failed = append(rep.Failed, m)
				continue
			}
			done[m] = true
			rep.Loaded = append(rep.Loaded, m)
		}
	}
	return rep, nil
}

func loadModule(sys Sys, path, params string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := sys.FinitModule(f, params); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return nil
}

// ReadModuleList reads a module list in /etc/modules format: one name per
// line (a name may be followed by parameters, which are ignored here),
// '#' comments and blank lines skipped.
func ReadModuleList(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, " ")
		out = append(out, name)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pid1: module list: %w", err)
	}
	return out, nil
}
