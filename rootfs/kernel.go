package rootfs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// KernelOptions says where the kernel comes from. Zero fields take the
// defaults noted.
type KernelOptions struct {
	Apt      Apt           // nil: AptCLI
	Meta     string        // metapackage to follow; "": linux-image-arm64
	Arch     string        // Debian architecture; "": arm64
	Lock     KernelPackage // the locked package; zero: none yet
	CacheDir string        // downloads and extracted trees; required
	Log      *slog.Logger  // nil: discard
}

// Kernel is an extracted kernel package, ready for the image.
type Kernel struct {
	Package KernelPackage
	Verdict LockVerdict // how Package compares with the lock
	Release string      // uname -r, e.g. 6.1.0-56-arm64
	// Image is the uncompressed arm64 Image (what U-Boot's booti and
	// QEMU's -kernel take).
	Image string
	// ModulesDir is lib/modules/<Release> of the package, with a
	// modules.dep made from the modules' own dependency lists when the
	// package ships none (Debian's are made by depmod at install time).
	ModulesDir string
}

// FetchKernel resolves the kernel Debian currently offers, checks it
// against the lock (see CheckKernelLock), downloads it (apt verifies the
// archive's signature; the .deb's SHA-256 is checked again here), and
// extracts the Image and modules into the cache, once per package hash.
func FetchKernel(ctx context.Context, o KernelOptions) (Kernel, error) {
	if o.Apt == nil {
		o.Apt = AptCLI{}
	}
	if o.Meta == "" {
		o.Meta = "linux-image-arm64"
	}
	if o.Arch == "" {
		o.Arch = "arm64"
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.CacheDir == "" {
		return Kernel{}, errors.New("rootfs: kernel: no cache directory")
	}
	pkg, err := ResolveKernel(ctx, o.Apt, o.Meta, o.Arch)
	if err != nil {
		return Kernel{}, err
	}
	verdict, err := CheckKernelLock(o.Lock, pkg)
	if err != nil {
		return Kernel{}, err
	}
	switch verdict {
	case LockOutdated:
		log.Warn("kernel: Debian offers a newer kernel than the lock; using it",
			"locked", o.Lock.String(), "offered", pkg.String(),
			"update", "make kernel-lock")
	case LockAbsent:
		log.Warn("kernel: no kernel lock yet; using what Debian offers", "offered", pkg.String())
	}
	deb, err := cachedDeb(ctx, o.Apt, pkg, o.Arch, filepath.Join(o.CacheDir, "debs"))
	if err != nil {
		return Kernel{}, err
	}
	tree := filepath.Join(o.CacheDir, "kernel-"+pkg.SHA256[:16])
	if _, err := os.Stat(filepath.Join(tree, ".complete")); err != nil {
		log.Info("kernel: extracting", "deb", filepath.Base(deb))
		if err := extractKernel(ctx, deb, tree); err != nil {
			return Kernel{}, err
		}
	}
	k, err := openKernelTree(tree)
	if err != nil {
		return Kernel{}, err
	}
	k.Package, k.Verdict = pkg, verdict
	return k, nil
}

// cachedDeb returns the .deb of pkg in dir, downloading it when absent or
// when the cached file's hash is not pkg's.
func cachedDeb(ctx context.Context, apt Apt, pkg KernelPackage, arch, dir string) (string, error) {
	if err := ensureDir(dir); err != nil {
		return "", err
	}
	want := filepath.Join(dir, pkg.Name+"_"+strings.ReplaceAll(pkg.Version, ":", "%3a")+"_"+arch+".deb")
	if sum, err := fileSHA256(want); err == nil && sum == pkg.SHA256 {
		return want, nil
	}
	tmp, err := os.MkdirTemp(dir, "download-")
	if err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	defer os.RemoveAll(tmp)
	got, err := apt.Download(ctx, pkg.Name+":"+arch, pkg.Version, tmp)
	if err != nil {
		return "", err
	}
	sum, err := fileSHA256(got)
	if err != nil {
		return "", err
	}
	if sum != pkg.SHA256 {
		return "", fmt.Errorf("rootfs: downloaded %s has sha256 %s, apt said %s", filepath.Base(got), sum, pkg.SHA256)
	}
	if err := os.Rename(got, want); err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	return want, nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("rootfs: hashing %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// extractKernel unpacks the kernel Image and the module tree of a kernel
// .deb into tree (built beside it, then renamed into place), and writes
// modules.dep when the package has none.
func extractKernel(ctx context.Context, deb, tree string) error {
	// A private temporary tree: two builds may extract at once.
	tmp, err := os.MkdirTemp(filepath.Dir(tree), filepath.Base(tree)+".tmp-")
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	cmd := exec.CommandContext(ctx, "dpkg-deb", "--fsys-tarfile", deb)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("rootfs: dpkg-deb: %w", err)
	}
	exErr := extractKernelTar(out, tmp)
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("rootfs: dpkg-deb --fsys-tarfile %s: %w: %s", deb, err, stderr.Bytes())
	}
	if exErr != nil {
		return exErr
	}
	if err := prepareImage(tmp); err != nil {
		return err
	}
	k, err := openKernelTree(tmp)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(k.ModulesDir, "modules.dep")); errors.Is(err, os.ErrNotExist) {
		if err := WriteModulesDep(k.ModulesDir); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if _, err := os.Stat(filepath.Join(tree, ".complete")); err == nil {
		return nil // another build finished first
	}
	os.RemoveAll(tree) // a tree left incomplete by an interrupted build
	if err := os.Rename(tmp, tree); err != nil {
		if _, serr := os.Stat(filepath.Join(tree, ".complete")); serr == nil {
			return nil
		}
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}

// extractKernelTar keeps boot/vmlinuz-* (as vmlinuz) and the module tree
// (lib/modules/<release> or usr/lib/modules/<release>, as
// lib/modules/<release>) from a package's data tarball.
func extractKernelTar(r io.Reader, dst string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rootfs: kernel tarball: %w", err)
		}
		name := path.Clean("/" + h.Name)[1:]
		var rel string
		switch {
		case strings.HasPrefix(name, "boot/vmlinuz-"):
			rel = "vmlinuz"
		case strings.HasPrefix(name, "lib/modules/"):
			rel = name
		case strings.HasPrefix(name, "usr/lib/modules/"):
			rel = strings.TrimPrefix(name, "usr/")
		default:
			continue
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
			if err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("rootfs: extracting %s: %w", name, err)
			}
		}
		// Symlinks (build/, source/) point into headers packages: skip.
	}
}

// prepareImage turns tree/vmlinuz into tree/Image: Debian's arm64 vmlinuz
// is already an uncompressed Image (with an EFI stub); a gzip one is
// inflated, since booti and QEMU's -kernel want the raw Image.
func prepareImage(tree string) error {
	src := filepath.Join(tree, "vmlinuz")
	dst := filepath.Join(tree, "Image")
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("rootfs: kernel package has no vmlinuz: %w", err)
	}
	defer f.Close()
	kind, err := fileKind(src)
	if err != nil {
		return fmt.Errorf("rootfs: vmlinuz: %w", err)
	}
	switch kind {
	case "Image":
		return os.Rename(src, dst)
	case "gzip":
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("rootfs: vmlinuz: %w", err)
		}
		out, err := os.Create(dst)
		if err != nil {
			return fmt.Errorf("rootfs: %w", err)
		}
		_, err = io.Copy(out, zr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("rootfs: inflating vmlinuz: %w", err)
		}
		if kind, err := fileKind(dst); err != nil || kind != "Image" {
			return fmt.Errorf("rootfs: inflated vmlinuz is no arm64 Image (%s, %v)", kind, err)
		}
		return os.Remove(src)
	default:
		return fmt.Errorf("rootfs: vmlinuz is %s, not an arm64 Image or gzip", kind)
	}
}

// ImageKind names what the first 64 bytes of a kernel file are: "Image"
// (arm64 boot image: "ARM\x64" at offset 56, Documentation/arch/arm64/
// booting.rst), "gzip", "zboot" (EFI zboot, "zimg" at offset 4, which
// neither booti nor this builder unpacks) or "unknown".
func ImageKind(head []byte) string {
	switch {
	case len(head) >= 60 && string(head[56:60]) == "ARM\x64":
		return "Image"
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return "gzip"
	case len(head) >= 8 && string(head[4:8]) == "zimg":
		return "zboot"
	}
	return "unknown"
}

func fileKind(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	return ImageKind(head[:n]), nil
}

// openKernelTree finds the Image and the one module tree in an extracted
// kernel.
func openKernelTree(tree string) (Kernel, error) {
	rels, err := os.ReadDir(filepath.Join(tree, "lib", "modules"))
	if err != nil {
		return Kernel{}, fmt.Errorf("rootfs: kernel tree: %w", err)
	}
	if len(rels) != 1 || !rels[0].IsDir() {
		return Kernel{}, fmt.Errorf("rootfs: kernel tree %s: want one lib/modules/<release>, found %d entries", tree, len(rels))
	}
	k := Kernel{
		Release:    rels[0].Name(),
		Image:      filepath.Join(tree, "Image"),
		ModulesDir: filepath.Join(tree, "lib", "modules", rels[0].Name()),
	}
	return k, nil
}
