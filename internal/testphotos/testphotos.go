// Package testphotos finds the shared face photos the tests use: they sit
// in shared/testdata/faces beside the clone (or beside a worktree's
// parent), or where $PAYTERM_FACES says. They are not in the repository:
// they are other people's pictures, lent to the test machines.
package testphotos

import (
	"image"
	_ "image/jpeg" // the photos are JPEGs
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Env names the environment variable that overrides Dir.
const Env = "PAYTERM_FACES"

// Dir is the photo directory. A missing one fails the test, or skips it
// under -short, since a checkout on a test machine always has it.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv(Env); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	for d := filepath.Dir(file); ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "testdata", "faces")
		if _, err := os.Stat(filepath.Join(p, "obama.jpg")); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if testing.Short() {
		tb.Skip("face photos not found in shared/testdata/faces beside the clone (-short)")
	}
	tb.Fatalf("face photos not found: shared/testdata/faces must sit beside the clone, or set $%s", Env)
	return ""
}

// Photo decodes the named photo.
func Photo(tb testing.TB, name string) image.Image {
	tb.Helper()
	f, err := os.Open(filepath.Join(Dir(tb), name))
	if err != nil {
		tb.Fatalf("test photo: %v", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		tb.Fatalf("test photo %s: %v", name, err)
	}
	return img
}
