package systemtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/board"
	"payterm/internal/version"
	"payterm/rootfs"
)

// repoRoot is the module's root, from this package's directory.
const repoRoot = "../.."

// cjkFont is the fallback font the image carries; the host renders with
// the same file so that screens match pixel for pixel.
const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

// devData is the data partition's files of a dev image (rootfs/devdata:
// payterm.json with "dev": true), relative to the repository's root.
const devData = "rootfs/devdata"

// statsEvery is how often the test image's firmware logs its memory use
// (payterm.stats on the kernel command line).
const statsEvery = 2 * time.Second

// builds are the images the tests in this process share, each made
// once: building the firmware and the disk takes longer than a boot.
type builds struct {
	dir string

	termOnce sync.Once
	term     terminalImage
	termErr  error

	camOnce sync.Once
	cam     rootfs.Result
	camErr  error

	otaOnce sync.Once
	otaRel  otaRelease
	otaErr  error

	kernOnce sync.Once
	kernRel  otaRelease
	kernErr  error
}

// shared is the process's builds, set up by TestMain.
var shared *builds

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "payterm-systemtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = &builds{dir: dir}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// terminalImage is the firmware image: what `make image` builds.
type terminalImage struct {
	rootfs.Result
	Firmware string // the static arm64 firmware binary (/init)
	// UpdateKey signs the bundles the OTA tests offer: the image's
	// configuration trusts its public half (update_keys), made for this
	// run only.
	UpdateKey ed25519.PrivateKey
}

// needImageTools skips under -short and fails, naming the fix, when a
// host tool for building or booting the image is missing.
func needImageTools(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("boots the image in QEMU: not in -short")
	}
	for _, tool := range []string{"go", "aarch64-linux-gnu-gcc", "apt-get", "dpkg-deb", "mkimage", "mkfs.vfat", "mcopy", "mke2fs", "qemu-system-aarch64"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s not installed: run rootfs/deps.sh (make image-deps)", tool)
		}
	}
	for _, f := range []string{rootfs.UBootQEMU, cjkFont} {
		if _, err := os.Stat(f); err != nil {
			tb.Fatalf("%s missing: run rootfs/deps.sh (make image-deps)", f)
		}
	}
}

// terminal returns the firmware image, building it on first use.
func (b *builds) terminal(tb testing.TB) terminalImage {
	tb.Helper()
	needImageTools(tb)
	b.termOnce.Do(func() { b.term, b.termErr = buildTerminal(tb, filepath.Join(b.dir, "terminal")) })
	if b.termErr != nil {
		tb.Fatalf("building the image: %v", b.termErr)
	}
	return b.term
}

// camera returns the camera test image, building it on first use.
func (b *builds) camera(tb testing.TB) rootfs.Result {
	tb.Helper()
	needImageTools(tb)
	b.camOnce.Do(func() { b.cam, b.camErr = buildCameraTests(tb, filepath.Join(b.dir, "camera")) })
	if b.camErr != nil {
		tb.Fatalf("building the camera test image: %v", b.camErr)
	}
	return b.cam
}

// crossBuild runs go with args for linux/arm64, cgo through Debian's
// cross compiler and linked statically, as rootfs/Makefile.inc builds the
// firmware.
func crossBuild(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "CC=aarch64-linux-gnu-gcc", "GOOS=linux", "GOARCH=arm64", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// staticFlags are the build flags of the image's binaries.
var staticFlags = []string{"-trimpath", "-tags", "netgo,osusergo", "-ldflags", "-s -w -extldflags=-static"}

// terminalArgs is the test image's kernel command line.
func terminalArgs() string { return fmt.Sprintf("%s payterm.stats=%s", rootfs.DefaultArgs, statsEvery) }

func buildTerminal(tb testing.TB, dir string) (terminalImage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	fw := filepath.Join(dir, "payterm")
	if err := crossBuild(ctx, append(append([]string{"build"}, staticFlags...), "-o", fw, "./firmware")...); err != nil {
		return terminalImage{}, err
	}
	cascade, err := rootfs.PigoCascade(ctx, repoRoot)
	if err != nil {
		return terminalImage{}, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return terminalImage{}, err
	}
	data, err := testData(filepath.Join(dir, "data"), key.Public().(ed25519.PublicKey))
	if err != nil {
		return terminalImage{}, err
	}
	res, err := buildImage(ctx, tb, rootfs.Options{
		Init:   fw,
		OutDir: filepath.Join(dir, "image"),
		Files: []rootfs.FileSpec{
			{Src: cjkFont, Dst: strings.TrimPrefix(cjkFont, "/")},
			{Src: cascade, Dst: "usr/share/payterm/pigo/facefinder"},
		},
		Args:    terminalArgs(),
		Version: version.Firmware(),
		// The dev configuration and the test update key: without a
		// configuration the terminal is not provisioned (health_test.go).
		DataDir: data,
	})
	if err != nil {
		return terminalImage{}, err
	}
	tb.Logf("firmware and image built in %.1fs", time.Since(start).Seconds())
	return terminalImage{Result: res, Firmware: fw, UpdateKey: key}, nil
}

// testData writes the test image's data partition files to dir: the dev
// configuration (rootfs/devdata) with update_keys trusting pub, and
// returns dir.
func testData(dir string, pub ed25519.PublicKey) (string, error) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, devData, "payterm.json"))
	if err != nil {
		return "", err
	}
	var cfg map[string]any
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return "", fmt.Errorf("%s/payterm.json: %w", devData, err)
	}
	cfg["update_keys"] = []map[string]any{{"name": "systemtest", "public": hex.EncodeToString(pub)}}
	out, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "payterm.json"), out, 0o644)
}

// buildImage fills in what every test image shares — the kernel cache,
// a copy of the kernel lock (a first build never writes the
// repository's) unless o names a lock file, the qemu-virt board's
// modules — and builds it.
func buildImage(ctx context.Context, tb testing.TB, o rootfs.Options) (rootfs.Result, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = filepath.Join(os.TempDir(), "payterm-cache")
	}
	lock := filepath.Join(o.OutDir, "..", "kernel.lock")
	if o.LockFile != "" {
		lock = o.LockFile // a build of another kernel than the lock's
	} else if b, err := os.ReadFile(filepath.Join(repoRoot, "rootfs", "kernel.lock")); err == nil {
		if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
			return rootfs.Result{}, err
		}
		if err := os.WriteFile(lock, b, 0o644); err != nil {
			return rootfs.Result{}, err
		}
	}
	o.CacheDir = filepath.Join(cache, "payterm")
	o.LockFile = lock
	o.Modules = append(rootfs.QEMUBaseModules(), board.QEMUVirt.Modules...)
	o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return rootfs.Build(ctx, o)
}
