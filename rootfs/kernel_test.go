package rootfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"payterm/rootfs/moddep"
)

const testSHA = "6f4ed2d1cb9106bc977c2b1960008f175e2eed5740340634b7894e65ef5acc82"

func TestKernelLockRoundTrip(t *testing.T) {
	k := KernelPackage{Name: "linux-image-6.1.0-56-arm64", Version: "6.1.192-2", SHA256: testSHA}
	got, err := ParseKernelLock(bytes.NewReader(FormatKernelLock(k)))
	if err != nil || got != k {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	for _, bad := range []string{
		"",
		"package a\nversion 1\n",
		"package a\nversion 1\nsha256 abc\n",
		"package a\nversion 1\nsha256 " + testSHA + "\nextra x\n",
		"package a\npackage b\nversion 1\nsha256 " + testSHA + "\n",
	} {
		if _, err := ParseKernelLock(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestReadKernelLockMissing(t *testing.T) {
	k, err := ReadKernelLock(filepath.Join(t.TempDir(), "none"))
	if err != nil || k != (KernelPackage{}) {
		t.Errorf("missing lock = %+v, %v", k, err)
	}
}

func TestCheckKernelLock(t *testing.T) {
	lock := KernelPackage{Name: "linux-image-6.1.0-56-arm64", Version: "6.1.192-2", SHA256: testSHA}
	other := strings.Repeat("0", 64)
	for _, c := range []struct {
		name    string
		lock    KernelPackage
		offered KernelPackage
		want    LockVerdict
		wantErr bool
	}{
		{"same", lock, lock, LockMatches, false},
		{"same, upper-case hash", lock, KernelPackage{lock.Name, lock.Version, strings.ToUpper(testSHA)}, LockMatches, false},
		{"same version, other hash", lock, KernelPackage{lock.Name, lock.Version, other}, 0, true},
		{"security update", lock, KernelPackage{"linux-image-6.1.0-57-arm64", "6.1.200-1", other}, LockOutdated, false},
		{"debian revision", lock, KernelPackage{lock.Name, "6.1.192-3", other}, LockOutdated, false},
		{"stale lists", lock, KernelPackage{"linux-image-6.1.0-55-arm64", "6.1.180-1", other}, 0, true},
		{"no lock", KernelPackage{}, lock, LockAbsent, false},
	} {
		got, err := CheckKernelLock(c.lock, c.offered)
		if (err != nil) != c.wantErr || (err == nil && got != c.want) {
			t.Errorf("%s: %v, %v; want %v, error %v", c.name, got, err, c.want, c.wantErr)
		}
	}
}

func FuzzParseKernelLock(f *testing.F) {
	f.Add(string(FormatKernelLock(KernelPackage{"a", "1", testSHA})))
	f.Add("package a\n")
	f.Fuzz(func(t *testing.T, in string) {
		k, err := ParseKernelLock(strings.NewReader(in))
		if err != nil {
			return
		}
		if strings.ContainsAny(k.Name+k.Version, "\n") {
			return
		}
		k2, err := ParseKernelLock(bytes.NewReader(FormatKernelLock(k)))
		if err != nil || k2 != k {
			t.Fatalf("round trip of %+v: %+v, %v", k, k2, err)
		}
	})
}

const metaStanza = `Package: linux-image-arm64
Source: linux-signed-arm64 (6.1.192+2)
Version: 6.1.192-2
Depends: linux-image-6.1.0-56-arm64 (= 6.1.192-2)
Description: Linux for 64-bit ARMv8 machines (meta-package)
 This package depends on the latest Linux kernel
 and modules for use on arm64 machines.
SHA256: 7d009bcc5a248b746ce4e686f30cb3e4fbfdadeb00af4309926ab4523ff4906c

Package: linux-image-arm64
Version: 6.1.100-1
`

func TestParseStanza(t *testing.T) {
	f, err := ParseStanza([]byte(metaStanza))
	if err != nil {
		t.Fatal(err)
	}
	if f["Version"] != "6.1.192-2" || !strings.HasPrefix(f["Depends"], "linux-image-6.1.0-56-arm64") ||
		!strings.Contains(f["Description"], "\nand modules") {
		t.Errorf("fields %v", f)
	}
	for _, bad := range []string{"", " leading continuation\n", "no colon\n", "Bad Key: x\n"} {
		if _, err := ParseStanza([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzParseStanza(f *testing.F) {
	f.Add([]byte(metaStanza))
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := ParseStanza(b)
		if err == nil && len(fields) == 0 {
			t.Fatal("no error and no fields")
		}
		if err == nil {
			KernelDependency(fields["Depends"])
		}
	})
}

func TestKernelDependency(t *testing.T) {
	for _, c := range []struct{ in, name, version string }{
		{"linux-image-6.1.0-56-arm64 (= 6.1.192-2)", "linux-image-6.1.0-56-arm64", "6.1.192-2"},
		{"kmod, linux-image-6.1.0-56-arm64:arm64 (=6.1.192-2)", "linux-image-6.1.0-56-arm64", "6.1.192-2"},
		{"foo | linux-image-7.0-arm64", "linux-image-7.0-arm64", ""},
	} {
		n, v, err := KernelDependency(c.in)
		if err != nil || n != c.name || v != c.version {
			t.Errorf("KernelDependency(%q) = %q %q %v", c.in, n, v, err)
		}
	}
	if _, _, err := KernelDependency("kmod, linux-base"); err == nil {
		t.Error("no kernel dependency accepted")
	}
}

func TestImageKind(t *testing.T) {
	img := make([]byte, 64)
	copy(img[56:], "ARMd")
	zboot := make([]byte, 64)
	copy(zboot, "MZ\x00\x00zimg")
	for _, c := range []struct {
		head []byte
		want string
	}{{img, "Image"}, {[]byte{0x1f, 0x8b, 8}, "gzip"}, {zboot, "zboot"}, {[]byte("x"), "unknown"}} {
		if got := ImageKind(c.head); got != c.want {
			t.Errorf("ImageKind = %s, want %s", got, c.want)
		}
	}
}

// fakeApt serves one kernel package from a .deb built in the test.
type fakeApt struct {
	meta, kernel map[string]string
	deb          []byte
	downloads    int
}

func (a *fakeApt) Show(_ context.Context, pkg string) (map[string]string, error) {
	switch {
	case strings.HasPrefix(pkg, "linux-image-arm64:"):
		return a.meta, nil
	case strings.HasPrefix(pkg, a.kernel["Package"]+":"):
		return a.kernel, nil
	}
	return nil, fmt.Errorf("no package %s", pkg)
}

func (a *fakeApt) Download(_ context.Context, pkg, version, dir string) (string, error) {
	a.downloads++
	p := filepath.Join(dir, "x.deb")
	return p, os.WriteFile(p, a.deb, 0o644)
}

// fakeKernelDeb builds a kernel .deb with dpkg-deb: a gzip'd fake Image
// and three modules, one built in.
func fakeKernelDeb(t *testing.T, release string) []byte {
	t.Helper()
	needTools(t, "dpkg-deb", "gzip")
	root := t.TempDir()
	for p, content := range map[string][]byte{
		"DEBIAN/control":          []byte("Package: linux-image-test\nVersion: 1\nArchitecture: arm64\nMaintainer: t <t@t>\nDescription: t\n"),
		"boot/vmlinuz-" + release: append(append(make([]byte, 56), "ARMd"...), make([]byte, 100)...),
		"lib/modules/" + release + "/kernel/drivers/gpu/drm/drm.ko":               fakeModuleELF(modinfoText("drm")),
		"lib/modules/" + release + "/kernel/drivers/gpu/drm/virtio/virtio-gpu.ko": fakeModuleELF(modinfoText("virtio_gpu", "drm")),
		"lib/modules/" + release + "/modules.builtin":                             []byte("kernel/drivers/gpio/gpio-pl061.ko\n"),
		"usr/share/doc/x/copyright":                                               []byte("x"),
	} {
		p = filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("gzip", "-n", filepath.Join(root, "boot", "vmlinuz-"+release)).CombinedOutput(); err != nil {
		t.Fatalf("gzip: %v %s", err, out)
	}
	os.Rename(filepath.Join(root, "boot", "vmlinuz-"+release+".gz"), filepath.Join(root, "boot", "vmlinuz-"+release))
	deb := filepath.Join(t.TempDir(), "k.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", root, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -b: %v %s", err, out)
	}
	b, err := os.ReadFile(deb)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func TestFetchKernel(t *testing.T) {
	deb := fakeKernelDeb(t, "6.1.0-9-test")
	apt := &fakeApt{
		meta:   map[string]string{"Depends": "linux-image-6.1.0-9-test (= 1)"},
		kernel: map[string]string{"Package": "linux-image-6.1.0-9-test", "Version": "1", "SHA256": sha(deb)},
		deb:    deb,
	}
	cache := t.TempDir()
	lock := KernelPackage{Name: "linux-image-6.1.0-9-test", Version: "1", SHA256: sha(deb)}
	k, err := FetchKernel(context.Background(), KernelOptions{Apt: apt, Lock: lock, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if k.Release != "6.1.0-9-test" || k.Verdict != LockMatches || k.Package != lock {
		t.Errorf("kernel %+v", k)
	}
	if kind, err := fileKind(k.Image); err != nil || kind != "Image" {
		t.Errorf("Image is %s (%v)", kind, err)
	}
	dep, err := os.ReadFile(filepath.Join(k.ModulesDir, "modules.dep"))
	if err != nil {
		t.Fatal(err)
	}
	want := "kernel/drivers/gpu/drm/drm.ko:\nkernel/drivers/gpu/drm/virtio/virtio-gpu.ko: kernel/drivers/gpu/drm/drm.ko\n"
	if string(dep) != want {
		t.Errorf("modules.dep =\n%s\nwant\n%s", dep, want)
	}
	// A second fetch uses the cache.
	if _, err := FetchKernel(context.Background(), KernelOptions{Apt: apt, Lock: lock, CacheDir: cache}); err != nil || apt.downloads != 1 {
		t.Errorf("second fetch: %v, %d downloads", err, apt.downloads)
	}

	set, err := SelectModules(k.ModulesDir, []string{"virtio-gpu", "gpio_pl061"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range set.Entries {
		paths = append(paths, e.Path)
	}
	if strings.Join(paths, " ") != "kernel/drivers/gpu/drm/drm.ko kernel/drivers/gpu/drm/virtio/virtio-gpu.ko" ||
		strings.Join(set.Asked, ",") != "virtio_gpu" || strings.Join(set.Builtin, ",") != "gpio_pl061" {
		t.Errorf("set %+v", set)
	}
	if _, err := SelectModules(k.ModulesDir, []string{"vivid"}); err == nil {
		t.Error("a module the kernel lacks was accepted")
	}

	// The initramfs carries the closure, its modules.dep and /etc/modules.
	initBin := filepath.Join(t.TempDir(), "init")
	elf := fakeModuleELF("")
	elf[18] = 183
	os.WriteFile(initBin, elf, 0o755)
	a, err := BuildInitramfs(context.Background(), InitramfsSpec{Init: initBin, Release: k.Release, ModulesDir: k.ModulesDir, Modules: set})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	a.WriteTo(&buf)
	files := map[string]string{}
	for _, e := range readCpio(t, buf.Bytes()) {
		files[e.name] = string(e.data)
	}
	base := "lib/modules/6.1.0-9-test/"
	if !strings.HasPrefix(files[base+"kernel/drivers/gpu/drm/drm.ko"], "\x7fELF") || files["etc/modules"] == "" ||
		files[base+"modules.dep"] != want || !strings.Contains(files[base+"modules.builtin"], "gpio-pl061") {
		t.Errorf("initramfs files: %v", keys(files))
	}
	if _, ok := files["dev/console"]; !ok {
		t.Error("no /dev/console")
	}
	mods, _ := moddep.Parse(strings.NewReader(files[base+"modules.dep"]))
	if mods.Len() != 2 {
		t.Errorf("initramfs modules.dep has %d modules", mods.Len())
	}
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

func TestFetchKernelRefusesWrongHash(t *testing.T) {
	deb := fakeKernelDeb(t, "6.1.0-9-test")
	apt := &fakeApt{
		meta:   map[string]string{"Depends": "linux-image-6.1.0-9-test (= 1)"},
		kernel: map[string]string{"Package": "linux-image-6.1.0-9-test", "Version": "1", "SHA256": strings.Repeat("a", 64)},
		deb:    deb,
	}
	_, err := FetchKernel(context.Background(), KernelOptions{Apt: apt, CacheDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("err = %v", err)
	}
}

func TestFetchKernelNewerThanLock(t *testing.T) {
	deb := fakeKernelDeb(t, "6.1.0-9-test")
	apt := &fakeApt{
		meta:   map[string]string{"Depends": "linux-image-6.1.0-9-test (= 2)"},
		kernel: map[string]string{"Package": "linux-image-6.1.0-9-test", "Version": "2", "SHA256": sha(deb)},
		deb:    deb,
	}
	lock := KernelPackage{Name: "linux-image-6.1.0-8-test", Version: "1", SHA256: strings.Repeat("b", 64)}
	k, err := FetchKernel(context.Background(), KernelOptions{Apt: apt, Lock: lock, CacheDir: t.TempDir()})
	if err != nil || k.Verdict != LockOutdated {
		t.Errorf("newer kernel: %v, verdict %v", err, k.Verdict)
	}
}
