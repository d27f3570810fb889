package rootfs

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"strings"
)

// FileSpec is one host file copied into an image at Dst (a slash path
// without a leading slash, e.g. "usr/share/fonts/truetype/droid/x.ttf").
type FileSpec struct {
	Src  string
	Dst  string
	Perm os.FileMode // zero: 0o644
}

// InitramfsSpec is what the initramfs holds besides its fixed skeleton.
type InitramfsSpec struct {
	Init       string    // host path of the static arm64 binary run as /init; required
	Release    string    // kernel release (lib/modules/<Release>)
	ModulesDir string    // the kernel's lib/modules/<Release>
	Modules    ModuleSet // from SelectModules
	Files      []FileSpec
}

// BuildInitramfs assembles the initramfs: the skeleton PID 1 expects
// (/dev with console and null nodes so the kernel can hand /init its
// console before devtmpfs is mounted; /proc, /sys, /tmp, /run and /data as
// mount points), /init, the modules and the extra files.
func BuildInitramfs(ctx context.Context, s InitramfsSpec) (*Archive, error) {
	a := &Archive{}
	for _, d := range []string{"dev", "proc", "sys", "run", "data", "etc", "lib/modules"} {
		if err := a.AddDir(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := a.AddDir("tmp", 0o777|os.ModeSticky); err != nil {
		return nil, err
	}
	if err := a.AddCharDev("dev/console", 5, 1, 0o600); err != nil {
		return nil, err
	}
	if err := a.AddCharDev("dev/null", 1, 3, 0o666); err != nil {
		return nil, err
	}
	init, err := os.ReadFile(s.Init)
	if err != nil {
		return nil, fmt.Errorf("rootfs: init binary: %w", err)
	}
	if err := checkArm64ELF(init); err != nil {
		return nil, fmt.Errorf("rootfs: init binary %s: %w", s.Init, err)
	}
	if err := a.AddFile("init", init, 0o755); err != nil {
		return nil, err
	}
	if s.Release != "" {
		if err := AddModules(ctx, a, s.Release, s.ModulesDir, s.Modules); err != nil {
			return nil, err
		}
	}
	for _, f := range s.Files {
		b, err := os.ReadFile(f.Src)
		if err != nil {
			return nil, fmt.Errorf("rootfs: %w", err)
		}
		perm := f.Perm
		if perm == 0 {
			perm = 0o644
		}
		if err := a.AddFile(strings.TrimPrefix(path.Clean(f.Dst), "/"), b, perm); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// checkArm64ELF refuses an init the kernel could not run: not ELF, not
// aarch64, or dynamically linked (the initramfs has no libc).
func checkArm64ELF(b []byte) error {
	if len(b) < 64 || string(b[:4]) != "\x7fELF" {
		return fmt.Errorf("not an ELF file")
	}
	if b[4] != 2 || b[5] != 1 || b[18] != 183 || b[19] != 0 { // ELFCLASS64, little-endian, EM_AARCH64
		return fmt.Errorf("not a 64-bit little-endian aarch64 ELF")
	}
	if strings.Contains(string(b[:min(len(b), 4096)]), "/lib/ld-linux-aarch64.so.1") {
		return fmt.Errorf("dynamically linked; build it with CGO_ENABLED=0")
	}
	return nil
}

// WriteInitramfs writes a as an uncompressed newc cpio archive, so equal
// content gives equal bytes. Uncompressed on purpose: the slot image is
// updated by delta (update/delta), and a compressed stream changes from
// the first edited byte to its end, so a one-function change to the
// firmware would resend most of the initramfs (gzip: delta 30 % of a
// full bundle, uncompressed: 3 %). The bundle compresses it instead; the
// slot holds 14 MB more and the kernel skips the inflate.
func WriteInitramfs(w io.Writer, a *Archive) error {
	_, err := a.WriteTo(w)
	return err
}

// PigoCascade returns the path of pigo's face-detection cascade
// (cascade/facefinder) in the module cache, for the version go.mod pins.
func PigoCascade(ctx context.Context, moduleDir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo")
	cmd.Dir = moduleDir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("rootfs: locating pigo (go mod download first): %w%s", err, stderrOf(err))
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("rootfs: pigo is not in the module cache: run go mod download")
	}
	p := path.Join(dir, "cascade", "facefinder")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	return p, nil
}
