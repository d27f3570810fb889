package delta

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"payterm/board"
	"payterm/rootfs"
)

// The real inputs of the size benchmarks: boot-slot images (the
// "slot.vfat" a bundle installs) built as `make image` builds slot A,
// from two firmware binaries one function apart and from two Debian
// kernels. They take minutes (two cgo cross builds, two kernel packages),
// so -short skips them.

// kernelOld and kernelNew are the kernel change measured: the one
// rootfs/kernel.lock named when this was written and Debian's next.
const (
	kernelOld = "linux-image-6.1.0-56-arm64"
	kernelNew = "linux-image-6.1.0-57-arm64"
)

// oneFunctionEdit is the one-function change: askDigits gains a branch,
// so the function grows and everything linked after it moves (the
// hard case for a delta; an edit that keeps the size is 1 000 bytes).
const (
	editFile   = "firmware/checkout/phonedigits.go"
	editAnchor = "\ts.charge = nil\n\ts.retryFace = c.cred\n"
	editInsert = "\tif len(c.ref) > 64 {\n\t\tmsg = \"reference \" + c.ref[:8] + \" is too long, digits \" + s.digits\n\t}\n"
)

func skipShort(tb testing.TB) {
	if testing.Short() {
		tb.Skip("-short: the real-input delta benchmarks build two firmware binaries, fetch two Debian kernels and make slot images (minutes)")
	}
}

func moduleRoot(tb testing.TB) string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		tb.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// buildFirmware builds ./firmware as `make image` does, with overlay (go
// build -overlay) replacing files when not "".
func buildFirmware(tb testing.TB, root, out, overlay string) {
	args := []string{"build", "-trimpath", "-tags", "netgo,osusergo", "-ldflags", "-s -w -extldflags=-static", "-o", out}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command("go", append(args, "./firmware")...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "CC=aarch64-linux-gnu-gcc", "GOOS=linux", "GOARCH=arm64")
	if b, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building the firmware (rootfs/deps.sh installs the cross compiler): %v\n%s", err, b)
	}
}

// firmwarePair returns the firmware built from the tree and with
// oneFunctionEdit.
func firmwarePair(tb testing.TB, dir string) (old, edited string) {
	root := moduleRoot(tb)
	src, err := os.ReadFile(filepath.Join(root, editFile))
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.Contains(string(src), editAnchor) {
		tb.Fatalf("%s no longer has the lines the one-function edit goes before; update editAnchor", editFile)
	}
	edit := filepath.Join(dir, "phonedigits.go")
	if err := os.WriteFile(edit, []byte(strings.Replace(string(src), editAnchor, editInsert+editAnchor, 1)), 0o644); err != nil {
		tb.Fatal(err)
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, editFile): edit}})
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, ov, 0o644); err != nil {
		tb.Fatal(err)
	}
	old, edited = filepath.Join(dir, "payterm.old"), filepath.Join(dir, "payterm.edited")
	buildFirmware(tb, root, old, "")
	buildFirmware(tb, root, edited, overlay)
	return old, edited
}

// pinnedApt is apt with the kernel metapackage pointing at one package.
type pinnedApt struct {
	rootfs.AptCLI
	kernel string
}

func (a pinnedApt) Show(ctx context.Context, pkg string) (map[string]string, error) {
	if strings.HasPrefix(pkg, "linux-image-arm64:") {
		return map[string]string{"Depends": a.kernel}, nil
	}
	return a.AptCLI.Show(ctx, pkg)
}

// slotImage builds boot slot A's FAT image as `make image` does (the
// qemu-virt board's modules, the font and the face cascade), with init as
// the firmware and the kernel package named, and returns its path.
// When rootfs gains a slot-image builder this should call it.
func slotImage(tb testing.TB, dir, name, init, kernelPkg string) string {
	ctx := context.Background()
	cache, err := os.UserCacheDir()
	if err != nil {
		tb.Fatal(err)
	}
	k, err := rootfs.FetchKernel(ctx, rootfs.KernelOptions{Apt: pinnedApt{kernel: kernelPkg}, CacheDir: filepath.Join(cache, "payterm")})
	if err != nil {
		tb.Fatalf("kernel %s (arm64 apt lists from rootfs/deps.sh): %v", kernelPkg, err)
	}
	brd, err := board.Lookup("qemu-virt")
	if err != nil {
		tb.Fatal(err)
	}
	set, err := rootfs.SelectModules(k.ModulesDir, append(rootfs.QEMUBaseModules(), brd.Modules...))
	if err != nil {
		tb.Fatal(err)
	}
	const font = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
	cascade, err := rootfs.PigoCascade(ctx, moduleRoot(tb))
	if err != nil {
		tb.Fatal(err)
	}
	arc, err := rootfs.BuildInitramfs(ctx, rootfs.InitramfsSpec{Init: init, Release: k.Release, ModulesDir: k.ModulesDir, Modules: set,
		Files: []rootfs.FileSpec{{Src: font, Dst: font[1:]}, {Src: cascade, Dst: "usr/share/payterm/pigo/facefinder"}}})
	if err != nil {
		tb.Fatal(err)
	}
	files := filepath.Join(dir, name+".files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Create(filepath.Join(files, rootfs.OutInitrd))
	if err != nil {
		tb.Fatal(err)
	}
	if err := rootfs.WriteInitramfs(f, arc); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	_, parts := rootfs.DiskPartitions(rootfs.DiskSpec{})
	script := rootfs.BootScript{EnvLBA: parts[rootfs.PartBootEnv].FirstLBA}
	if err := rootfs.MakeBootScr(ctx, script.Text(), filepath.Join(files, rootfs.OutBootScr)); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(files, rootfs.OutBootArgs), rootfs.BootArgsFile(rootfs.DefaultArgs), 0o644); err != nil {
		tb.Fatal(err)
	}
	// The slot image exactly as make image writes it (out/image/slot.vfat).
	slot, err := rootfs.SlotImage(ctx, rootfs.SlotSpec{Path: filepath.Join(dir, name+".vfat"), Files: map[string]string{
		rootfs.SlotScript:   filepath.Join(files, rootfs.OutBootScr),
		rootfs.SlotBootArgs: filepath.Join(files, rootfs.OutBootArgs),
		rootfs.SlotKernel:   k.Image,
		rootfs.SlotInitrd:   filepath.Join(files, rootfs.OutInitrd),
	}})
	if err != nil {
		tb.Fatal(err)
	}
	return slot
}

// realPair returns the base and target slot images of one benchmark:
// "one-function" (firmware edit, same kernel) or "kernel" (same
// firmware, kernelOld → kernelNew).
func realPair(tb testing.TB, which string) (base, target []byte) {
	skipShort(tb)
	dir := tb.TempDir()
	old, edited := "", ""
	var basePath, targetPath string
	switch which {
	case "one-function":
		old, edited = firmwarePair(tb, dir)
		basePath = slotImage(tb, dir, "base", old, kernelNew)
		targetPath = slotImage(tb, dir, "target", edited, kernelNew)
	case "kernel":
		old = filepath.Join(dir, "payterm")
		buildFirmware(tb, moduleRoot(tb), old, "")
		basePath = slotImage(tb, dir, "base", old, kernelOld)
		targetPath = slotImage(tb, dir, "target", old, kernelNew)
	default:
		panic(fmt.Sprintf("realPair(%q)", which))
	}
	var err error
	if base, err = os.ReadFile(basePath); err != nil {
		tb.Fatal(err)
	}
	if target, err = os.ReadFile(targetPath); err != nil {
		tb.Fatal(err)
	}
	return base, target
}
