package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, tc := range []struct {
		name  string
		write func(*os.File) error
		want  string // content after
		err   bool
	}{
		{"new file", func(f *os.File) error { _, err := f.WriteString("one"); return err }, "one", false},
		{"replaced", func(f *os.File) error { _, err := f.WriteString("two"); return err }, "two", false},
		{"failed write keeps the old file", func(f *os.File) error { f.WriteString("th"); return errors.New("cut") }, "two", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(p, 0o600, tc.write)
			if (err != nil) != tc.err {
				t.Fatalf("err %v, want error %v", err, tc.err)
			}
			b, _ := os.ReadFile(p)
			if string(b) != tc.want {
				t.Errorf("content %q, want %q", b, tc.want)
			}
			fi, _ := os.Stat(p)
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", fi.Mode())
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("temporary files left: %v", ents)
			}
		})
	}
	if err := Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := Remove(p); err != nil {
		t.Fatalf("removing a missing file: %v", err)
	}
}
