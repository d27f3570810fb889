package rootfs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// KernelPackage names one Debian kernel image package build: its package
// name (linux-image-<abi>-arm64), Debian version and the SHA-256 of its
// .deb as hex.
type KernelPackage struct {
	Name    string
	Version string
	SHA256  string
}

func (k KernelPackage) String() string { return k.Name + " " + k.Version }

// ParseKernelLock reads a kernel lock file: "key value" lines with keys
// package, version and sha256; blank lines and '#' comments are ignored.
// All three keys are required.
func ParseKernelLock(r io.Reader) (KernelPackage, error) {
	var k KernelPackage
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		var dst *string
		switch key {
		case "package":
			dst = &k.Name
		case "version":
			dst = &k.Version
		case "sha256":
			dst = &k.SHA256
		default:
			return KernelPackage{}, fmt.Errorf("rootfs: kernel lock line %d: unknown key %q", n, key)
		}
		if *dst != "" {
			return KernelPackage{}, fmt.Errorf("rootfs: kernel lock line %d: %s given twice", n, key)
		}
		*dst = val
	}
	if err := sc.Err(); err != nil {
		return KernelPackage{}, fmt.Errorf("rootfs: kernel lock: %w", err)
	}
	if k.Name == "" || k.Version == "" || !isSHA256Hex(k.SHA256) {
		return KernelPackage{}, errors.New("rootfs: kernel lock: needs package, version and a 64-digit hex sha256")
	}
	return k, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if _, ok := unhex(s[i]); !ok {
			return false
		}
	}
	return true
}

// FormatKernelLock is the lock file text for k.
func FormatKernelLock(k KernelPackage) []byte {
	var b bytes.Buffer
	b.WriteString("# The Debian arm64 kernel package the image is built from. `make image`\n")
	b.WriteString("# checks it: the same version must have this sha256; a newer one from\n")
	b.WriteString("# Debian (a security update) is used with a warning and a hint to update.\n")
	fmt.Fprintf(&b, "package %s\nversion %s\nsha256 %s\n", k.Name, k.Version, k.SHA256)
	return b.Bytes()
}

// ReadKernelLock reads the lock at path. A missing file is the zero
// KernelPackage and no error: the first build writes one.
func ReadKernelLock(path string) (KernelPackage, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return KernelPackage{}, nil
	}
	if err != nil {
		return KernelPackage{}, fmt.Errorf("rootfs: %w", err)
	}
	defer f.Close()
	return ParseKernelLock(f)
}

// LockVerdict is what CheckKernelLock decided.
type LockVerdict int

const (
	// LockMatches: the package offered is the one locked.
	LockMatches LockVerdict = iota
	// LockOutdated: Debian offers a newer kernel than the lock records; use
	// it and tell the developer to update the lock.
	LockOutdated
	// LockAbsent: there is no lock yet.
	LockAbsent
)

// CheckKernelLock compares the package apt offers with the lock. The same
// version with another hash is an error (the archive or the cache is not
// what was locked); an older version than locked is an error too (stale
// apt lists: run apt-get update).
func CheckKernelLock(lock, offered KernelPackage) (LockVerdict, error) {
	if lock == (KernelPackage{}) {
		return LockAbsent, nil
	}
	c := CompareDebianVersions(offered.Version, lock.Version)
	switch {
	case c == 0 && offered.Name == lock.Name:
		if !strings.EqualFold(offered.SHA256, lock.SHA256) {
			return 0, fmt.Errorf("rootfs: kernel %s has sha256 %s, the lock says %s", offered, offered.SHA256, lock.SHA256)
		}
		return LockMatches, nil
	case c > 0:
		return LockOutdated, nil
	default:
		return 0, fmt.Errorf("rootfs: apt offers kernel %s, older than the locked %s: run apt-get update (rootfs/deps.sh)", offered, lock)
	}
}
