package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"payterm/update/manifest"
)

var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	codecs, err := builtinCodecs()
	if err != nil {
		t.Fatal(err)
	}
	err = run(args, env{stdout: &out, stderr: &errb, now: func() time.Time { return now }, codecs: codecs})
	return out.String(), errb.String(), err
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	return out
}

func slotFile(t *testing.T, dir, name string, change int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 3<<20)
	for i := range 1 << 20 {
		b[i] = byte(r.Uint32())
	}
	if change >= 0 {
		b[change] ^= 0xff
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildInspectSignDiff(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "dev-update-key")
	rel := filepath.Join(dir, "release-2027")
	mustRun(t, "keygen", "-out", dev)
	if out := mustRun(t, "keygen", "-out", rel, "-name", "release-2027"); !regexp.MustCompile(`update_keys entry: \{"name": "release-2027", "public": "[0-9a-f]{64}"\}`).MatchString(out) {
		t.Errorf("keygen does not print the configuration entry: %q", out)
	}
	if _, _, err := runCmd(t, "keygen", "-out", dev); err == nil {
		t.Fatal("keygen overwrote a key")
	}
	slot := slotFile(t, dir, "slot.vfat", -1)
	common := []string{"-slot", slot, "-version", "1.4.0", "-boards", "qemu-virt,sim", "-kernel", "6.1.0-57-arm64", "-expires", "2027-03-01T00:00:00Z"}
	b1, b2 := filepath.Join(dir, "b1"), filepath.Join(dir, "b2")
	_, stderr, err := runCmd(t, append([]string{"build", "-out", b1, "-key", dev}, common...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "DEVELOPMENT key dev-update-key") {
		t.Errorf("no dev key warning: %q", stderr)
	}
	mustRun(t, append([]string{"build", "-out", b2, "-key", dev}, common...)...)
	x, _ := os.ReadFile(b1)
	y, _ := os.ReadFile(b2)
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Fatal("built twice from the same inputs: bundles differ")
	}

	out := mustRun(t, "inspect", "-trust", dev+".pub", b1)
	for _, want := range []string{"version  1.4.0", "kernel   6.1.0-57-arm64", "artefact slot.vfat 3145728 bytes", "verify   ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCmd(t, "inspect", "-trust", rel+".pub", b1); !errors.Is(err, manifest.ErrUnknownKey) {
		t.Errorf("inspect with another key: %v", err)
	}
	if _, _, err := runCmd(t, "inspect", "-trust", dev+".pub", "-board", "rpi4", b1); !errors.Is(err, manifest.ErrWrongBoard) {
		t.Errorf("inspect for another board: %v", err)
	}

	// Rotation: countersigned by the release key, trusted with the dev
	// key revoked.
	both := filepath.Join(dir, "both")
	mustRun(t, "sign", "-in", b1, "-key", rel, "-out", both)
	if _, _, err := runCmd(t, "inspect", "-revoked", dev+".pub", b1); !errors.Is(err, manifest.ErrRevokedKey) {
		t.Errorf("revoked key alone: %v", err)
	}
	if out := mustRun(t, "inspect", "-trust", rel+".pub", "-revoked", dev+".pub", both); !strings.Contains(out, "verify   ok") {
		t.Errorf("countersigned bundle:\n%s", out)
	}

	changed := filepath.Join(dir, "b3")
	mustRun(t, "build", "-out", changed, "-key", dev, "-slot", slotFile(t, dir, "slot2", 2<<20+5), "-version", "1.4.1",
		"-boards", "qemu-virt,sim", "-kernel", "6.1.0-58-arm64", "-expires", "2027-03-01T00:00:00Z")
	out = mustRun(t, "diff", b1, changed)
	for _, want := range []string{"version   1.4.0 → 1.4.1", "kernel    6.1.0-57-arm64 → 6.1.0-58-arm64", "artefact  slot.vfat changed", "1 of 3 MiB blocks differ: 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if out := mustRun(t, "diff", b1, both); !strings.Contains(out, "same manifest content") {
		t.Errorf("diff of a countersigned copy:\n%s", out)
	}
}

func TestBuildRefuses(t *testing.T) {
	dir := t.TempDir()
	slot := slotFile(t, dir, "slot.vfat", -1)
	key := filepath.Join(dir, "dev-update-key")
	mustRun(t, "keygen", "-out", key)
	common := []string{"build", "-out", filepath.Join(dir, "b"), "-slot", slot, "-version", "1.4.0", "-boards", "qemu-virt",
		"-kernel", "6.1.0-57-arm64", "-expires", "2027-03-01T00:00:00Z"}
	for name, args := range map[string][]string{
		"no key":         common,
		"public key":     append(common, "-key", key+".pub"),
		"delta no codec": append(common, "-key", key, "-base", slot, "-base-version", "1.3.0", "-codec", "zdelta"),
		"bad expiry":     append(append([]string{}, common[:len(common)-1]...), "next year", "-key", key),
	} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%s: built", name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); err == nil {
		t.Error("a refused build left a bundle")
	}
}
