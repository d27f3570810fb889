package evdevtest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Finder is a driver's search of a directory (/dev/input) for its
// device, given a probe of one device node.
type Finder[T any] func(dir string, probe func(path string) (T, error)) (string, error)

// Dir makes a temporary directory holding an empty file for each name
// and returns its path.
func Dir(t testing.TB, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range names {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// CheckFind runs find on a directory holding files, with a probe that
// gives devices[name] for a file and fails for a file without an entry
// (as the ioctls fail on a node that is not an input device). find must
// pick the file want, or, when want is "", fail with an error containing
// none.
func CheckFind[T any](t testing.TB, find Finder[T], files []string, devices map[string]T, want, none string) {
	t.Helper()
	dir := Dir(t, files...)
	probe := func(path string) (T, error) {
		if d, ok := devices[filepath.Base(path)]; ok {
			return d, nil
		}
		var zero T
		return zero, errors.New("ENOTTY")
	}
	got, err := find(dir, probe)
	if want == "" {
		if err == nil || !strings.Contains(err.Error(), none) {
			t.Errorf("found %q, %v; want none", got, err)
		}
		return
	}
	if err != nil || got != filepath.Join(dir, want) {
		t.Errorf("found %q, %v; want %s", got, err, want)
	}
}

// CheckFindMissingDir checks that find fails on a directory that does
// not exist.
func CheckFindMissingDir[T any](t testing.TB, find Finder[T]) {
	t.Helper()
	if _, err := find(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("missing directory: no error")
	}
}
