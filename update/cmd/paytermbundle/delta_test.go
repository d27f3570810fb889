package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/update/install"
	"payterm/update/manifest"
)

// A delta bundle built by the CLI with the built-in codec installs onto
// the slot it was made from, byte for byte the new slot, and is refused
// on any other base before a byte is written.
func TestDeltaBundleInstalls(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "dev-update-key")
	mustRun(t, "keygen", "-out", key)
	oldSlot := slotFile(t, dir, "old.vfat", -1)
	newSlot := slotFile(t, dir, "new.vfat", 1<<20+77)
	full, patch := filepath.Join(dir, "full"), filepath.Join(dir, "delta")
	common := []string{"-key", key, "-boards", "qemu-virt", "-kernel", "6.1.0-57-arm64", "-expires", "2027-03-01T00:00:00Z"}
	mustRun(t, append([]string{"build", "-out", full, "-slot", oldSlot, "-version", "1.4.0"}, common...)...)
	mustRun(t, append([]string{"build", "-out", patch, "-slot", newSlot, "-version", "1.4.1",
		"-base", oldSlot, "-base-version", "1.4.0", "-codec", "zstd-delta"}, common...)...)
	if out := mustRun(t, "inspect", "-trust", key+".pub", "-running", "1.4.0", patch); !strings.Contains(out, "verify   ok") {
		t.Fatalf("inspect:\n%s", out)
	}
	fi, _ := os.Stat(full)
	di, _ := os.Stat(patch)
	if di.Size()*10 > fi.Size() {
		t.Errorf("delta %d bytes for a one-byte change, full %d", di.Size(), fi.Size())
	}

	installed := artefacts(t, full)
	tests := []struct {
		name      string
		installed []manifest.Artefact
		want      error
	}{
		{"on its base", installed, nil},
		{"on another base", []manifest.Artefact{{Name: installed[0].Name, Size: installed[0].Size, SHA256: strings.Repeat("0", 64)}}, manifest.ErrWrongBase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "slot-b")
			if err := os.WriteFile(target, make([]byte, 4<<20), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := installFile(t, patch, target, oldSlot, tt.installed)
			if !errors.Is(err, tt.want) {
				t.Fatalf("install: %v, want %v", err, tt.want)
			}
			want, _ := os.ReadFile(newSlot)
			if tt.want == nil && !bytes.Equal(got[:len(want)], want) {
				t.Fatal("installed slot differs from the new slot image")
			}
			if tt.want != nil && bytes.Count(got, []byte{0}) != len(got) {
				t.Fatal("a refused delta wrote to the slot")
			}
		})
	}
}

func artefacts(t *testing.T, path string) []manifest.Artefact {
	r, f, err := open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return r.Signed().Manifest.Artefacts
}

// installFile streams the bundle at path into target as a terminal
// running 1.4.0 from base would, and returns target's bytes.
func installFile(t *testing.T, path, target, base string, installed []manifest.Artefact) ([]byte, error) {
	k, err := readKey(filepath.Join(filepath.Dir(path), "dev-update-key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	kr, err := manifest.NewKeyring(manifest.TrustedKey{Name: k.name, Public: k.pub})
	if err != nil {
		t.Fatal(err)
	}
	slot, err := install.OpenSlot(target)
	if err != nil {
		t.Fatal(err)
	}
	defer slot.Close()
	bf, err := os.Open(base)
	if err != nil {
		t.Fatal(err)
	}
	defer bf.Close()
	codecs, err := builtinCodecs()
	if err != nil {
		t.Fatal(err)
	}
	in, err := install.New(install.Config{
		Keyring: kr, Product: "payterm", Board: "qemu-virt", Version: "1.4.0", Installed: installed,
		Now: func() time.Time { return now }, Target: slot, Base: bf, StateDir: t.TempDir(),
		Codecs: codecs, Bundle: path,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(writerOnly{in}, bytes.NewReader(b))
	if err == nil {
		_, err = in.Finish()
	}
	got, rerr := os.ReadFile(target)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return got, err
}

type writerOnly struct{ io.Writer }
