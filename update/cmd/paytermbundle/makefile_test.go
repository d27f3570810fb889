package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// makeBundleArgs is what `make bundle` passes to paytermbundle build for
// an image in imageDir, run with env (plus PATH and HOME).
func makeBundleArgs(t *testing.T, imageDir string, env ...string) []string {
	t.Helper()
	cmd := exec.Command("make", "-s", "--no-print-directory", "-C", "../../..", "bundle-args", "IMAGE_DIR="+imageDir)
	// Only what the Makefile should read: no MAKEFLAGS of an outer make,
	// no SOURCE_DATE_EPOCH from the caller's shell.
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make bundle-args: %v\n%s", err, stderr.String())
	}
	return strings.Fields(string(out))
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// TestMakeBundleFromTree: make bundle's inputs are the tree's — the
// image's slot.vfat, VERSION, the image's kernel release and the commit
// time (or SOURCE_DATE_EPOCH) for the expiry, never the clock — so the
// same tree builds to the same bytes.
func TestMakeBundleFromTree(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is needed (Debian: make)")
	}
	dir := t.TempDir()
	img := filepath.Join(dir, "image")
	os.Mkdir(img, 0o755)
	kernelTxt := "package linux-image-6.1.0-57-arm64 6.1.158-1 abc\nrelease 6.1.0-57-arm64\nverdict matches-lock\n"
	if err := os.WriteFile(filepath.Join(img, "kernel.txt"), []byte(kernelTxt), 0o644); err != nil {
		t.Fatal(err)
	}
	slotFile(t, img, "slot.vfat", -1)
	version, err := os.ReadFile("../../../internal/version/VERSION")
	if err != nil {
		t.Fatal(err)
	}

	args := makeBundleArgs(t, img, "SOURCE_DATE_EPOCH=86400")
	for name, want := range map[string]string{
		"-slot": filepath.Join(img, "slot.vfat"), "-version": strings.TrimSpace(string(version)),
		"-kernel": "6.1.0-57-arm64", "-boards": "qemu-virt",
		"-expires": "1971-01-02T00:00:00Z", // SOURCE_DATE_EPOCH + 365 days
	} {
		if got := flagValue(args, name); got != want {
			t.Errorf("make bundle passes %s %q, want %q (args %q)", name, got, want, args)
		}
	}
	if !t.Failed() {
		key := filepath.Join(dir, "dev-update-key")
		mustRun(t, "keygen", "-out", key)
		var built [2][]byte
		for i := range built {
			out := filepath.Join(dir, "b"+strconv.Itoa(i))
			mustRun(t, append([]string{"build", "-key", key, "-out", out}, args...)...)
			built[i], _ = os.ReadFile(out)
		}
		if len(built[0]) == 0 || !bytes.Equal(built[0], built[1]) {
			t.Error("make bundle's arguments built twice: bundles differ")
		}
	}

	// In a git checkout, without SOURCE_DATE_EPOCH: the last commit's time.
	ct, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
	if err != nil {
		t.Logf("not a git checkout (%v): the commit-time expiry is not checked", err)
		return
	}
	sec, err := strconv.ParseInt(strings.TrimSpace(string(ct)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Unix(sec, 0).UTC().AddDate(0, 0, 365).Format(time.RFC3339)
	if got := flagValue(makeBundleArgs(t, img), "-expires"); got != want {
		t.Errorf("make bundle's expiry %q, want the last commit + 365 days %q", got, want)
	}
}
