package pid1

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeSys records the system calls and answers from tables.
type fakeSys struct {
	mu        sync.Mutex
	calls     []string
	mountErr  map[string]error // by target (path relative to the fake root) or "fstype:target"
	loadErr   map[string]error // by module file base name
	release   string
	rebootErr error
	root      string
}

var _ Sys = (*fakeSys)(nil)

func (f *fakeSys) rel(p string) string {
	if r, err := filepath.Rel(f.root, p); err == nil && !strings.HasPrefix(r, "..") {
		return "/" + r
	}
	return p
}

func (f *fakeSys) record(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
}

func (f *fakeSys) Mount(source, target, fstype string, flags uintptr, data string) error {
	t := f.rel(target)
	f.record(fmt.Sprintf("mount %s %s %s", f.rel(source), t, fstype))
	if err := f.mountErr[fstype+":"+t]; err != nil {
		return err
	}
	return f.mountErr[t]
}

func (f *fakeSys) Unmount(target string, flags int) error {
	f.record("umount " + f.rel(target))
	return nil
}

func (f *fakeSys) FinitModule(file *os.File, params string) error {
	name := filepath.Base(file.Name())
	f.record(strings.TrimSpace("load " + name + " " + params))
	return f.loadErr[name]
}

func (f *fakeSys) Reboot(cmd int) error {
	f.record(fmt.Sprintf("reboot %#x", cmd))
	return f.rebootErr
}

func (f *fakeSys) Sync() { f.record("sync") }

func (f *fakeSys) Release() (string, error) { return f.release, nil }

func (f *fakeSys) callList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeSys) only(prefix string) []string {
	var out []string
	for _, c := range f.callList() {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// writeTree creates files (path → content) under root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
