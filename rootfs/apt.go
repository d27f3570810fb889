package rootfs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Apt is what the builder asks of Debian's package tools: the candidate
// stanza of a package, and a download of one version. The apt-get download
// checks the archive's signatures and the package's hash.
type Apt interface {
	// Show returns the fields of pkg's candidate version ("Version",
	// "Depends", "SHA256", ...), as apt-cache show prints them.
	Show(ctx context.Context, pkg string) (map[string]string, error)
	// Download fetches pkg=version into dir and returns the file's path.
	Download(ctx context.Context, pkg, version, dir string) (string, error)
}

// AptCLI runs apt-cache and apt-get. The zero value is ready to use.
type AptCLI struct{}

// Show runs apt-cache show --no-all-versions.
func (AptCLI) Show(ctx context.Context, pkg string) (map[string]string, error) {
	out, err := exec.CommandContext(ctx, "apt-cache", "show", "--no-all-versions", pkg).Output()
	if err != nil {
		return nil, fmt.Errorf("rootfs: apt-cache show %s (arm64 lists present? run rootfs/deps.sh): %w%s", pkg, err, stderrOf(err))
	}
	return ParseStanza(out)
}

// Download runs apt-get download in dir.
func (AptCLI) Download(ctx context.Context, pkg, version, dir string) (string, error) {
	before, _ := filepath.Glob(filepath.Join(dir, "*.deb"))
	cmd := exec.CommandContext(ctx, "apt-get", "download", "-q",
		"-o", "APT::Sandbox::User=root", // the cache may be unreadable to _apt
		pkg+"="+version)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("rootfs: apt-get download %s=%s: %w\n%s", pkg, version, err, out)
	}
	after, _ := filepath.Glob(filepath.Join(dir, "*.deb"))
	for _, f := range after {
		if !contains(before, f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("rootfs: apt-get download %s=%s wrote no .deb", pkg, version)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// ParseStanza reads the first deb822 stanza (RFC 822-style "Key: value"
// lines; lines starting with a space continue the previous value) from
// apt-cache show output. Continuation lines are joined with "\n".
func ParseStanza(b []byte) (map[string]string, error) {
	fields := map[string]string{}
	var last string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			if len(fields) > 0 {
				break
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "" {
				return nil, fmt.Errorf("rootfs: apt stanza: continuation before a field")
			}
			fields[last] += "\n" + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("rootfs: apt stanza: bad line %q", line)
		}
		last = k
		fields[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("rootfs: apt stanza: %w", err)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("rootfs: apt stanza: empty")
	}
	return fields, nil
}

// KernelDependency picks the kernel image package a metapackage's Depends
// field names: the first alternative starting with "linux-image-", with
// its exact version when the relation pins one ("(= 6.1.192-2)").
func KernelDependency(depends string) (name, version string, err error) {
	for _, rel := range strings.Split(depends, ",") {
		for _, alt := range strings.Split(rel, "|") {
			alt = strings.TrimSpace(alt)
			pkg, cond, _ := strings.Cut(alt, "(")
			pkg = strings.TrimSpace(pkg)
			pkg, _, _ = strings.Cut(pkg, ":") // an architecture qualifier
			if !strings.HasPrefix(pkg, "linux-image-") {
				continue
			}
			cond = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(cond), ")"))
			if v, ok := strings.CutPrefix(cond, "="); ok {
				version = strings.TrimSpace(v)
			}
			return pkg, version, nil
		}
	}
	return "", "", fmt.Errorf("rootfs: no linux-image package in Depends %q", depends)
}

// ResolveKernel asks apt which kernel image package the metapackage meta
// (e.g. "linux-image-arm64") currently depends on, for architecture arch,
// and returns it with the hash apt has for it.
func ResolveKernel(ctx context.Context, apt Apt, meta, arch string) (KernelPackage, error) {
	m, err := apt.Show(ctx, meta+":"+arch)
	if err != nil {
		return KernelPackage{}, err
	}
	name, _, err := KernelDependency(m["Depends"])
	if err != nil {
		return KernelPackage{}, err
	}
	p, err := apt.Show(ctx, name+":"+arch)
	if err != nil {
		return KernelPackage{}, err
	}
	k := KernelPackage{Name: name, Version: p["Version"], SHA256: strings.ToLower(p["SHA256"])}
	if k.Version == "" || !isSHA256Hex(k.SHA256) {
		return KernelPackage{}, fmt.Errorf("rootfs: apt shows no version or sha256 for %s", name)
	}
	return k, nil
}

// ensureDir is os.MkdirAll with the package's error wrapping.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}
