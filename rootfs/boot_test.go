package rootfs

import (
	"bufio"
	"context"
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
)

// testImage builds the boot-test image into dir: initok (PID 1's boot
// sequence, a marker line, power off) as /init, the real Debian kernel
// (cached in the user cache directory, checked against kernel.lock) and
// the qemu-virt board's modules.
func testImage(t testing.TB, dir string) Result {
	t.Helper()
	if testing.Short() {
		t.Skip("full image build and boot: not in -short")
	}
	needTools(t, "go", "apt-get", "dpkg-deb", "mkimage", "mkfs.vfat", "mcopy", "mke2fs", "qemu-system-aarch64")
	if _, err := os.Stat(UBootQEMU); err != nil {
		t.Fatalf("%s missing: run rootfs/deps.sh", UBootQEMU)
	}
	init := filepath.Join(dir, "initok")
	build := exec.Command("go", "build", "-o", init, "./testdata/initok")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the test init: %v\n%s", err, out)
	}
	// A copy of the lock, so a first build never writes the repository's.
	lock := filepath.Join(dir, "kernel.lock")
	if b, err := os.ReadFile("kernel.lock"); err == nil {
		os.WriteFile(lock, b, 0o644)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Build(ctx, Options{
		Init:     init,
		OutDir:   filepath.Join(dir, "image"),
		CacheDir: filepath.Join(cache, "payterm"),
		LockFile: lock,
		Modules:  append(QEMUBaseModules(), board.QEMUVirt.Modules...),
		Log:      slog.New(slog.NewTextHandler(testWriter{t}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// console collects QEMU's console output by line, timing each line from
// power-on.
type console struct {
	start time.Time
	mu    sync.Mutex
	lines []timedLine
	seen  chan string // lines starting "payterm-init-"
}

type timedLine struct {
	at   time.Duration
	text string
}

func newConsole(start time.Time) (*console, io.WriteCloser) {
	c := &console{start: start, seen: make(chan string, 4)}
	r, w := io.Pipe()
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			text := strings.TrimRight(sc.Text(), "\r")
			c.mu.Lock()
			c.lines = append(c.lines, timedLine{time.Since(c.start), text})
			c.mu.Unlock()
			if i := strings.Index(text, "payterm-init-"); i >= 0 {
				c.seen <- text[i:]
			}
		}
		io.Copy(io.Discard, r)
	}()
	return c, w
}

// first is when a line containing s appeared, or -1.
func (c *console) first(s string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lines {
		if strings.Contains(l.text, s) {
			return l.at
		}
	}
	return -1
}

func (c *console) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, l := range c.lines {
		fmt.Fprintf(&b, "[%6.2fs] %s\n", l.at.Seconds(), l.text)
	}
	return b.String()
}

// bootRun is one boot of the test image.
type bootRun struct {
	con    *console
	marker string        // the init's "payterm-init-…" line
	exit   time.Duration // power-on to QEMU's exit
}

// bootTestImage boots res's disk through U-Boot (with the image's stored
// environment) and waits for the init's
// marker and the power-off. While the guest boots it checks the QMP
// client against the real QEMU. QEMU is killed whatever happens.
func bootTestImage(t testing.TB, res Result, dir string) bootRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	qmpPath := filepath.Join(dir, "qmp.sock")
	m := Machine{Disk: res.Path(OutDisk), UBootEnv: res.Path(OutUBootEnv), Snapshot: true, QMP: qmpPath}
	start := time.Now()
	con, w := newConsole(start)
	vm, err := m.Start(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer vm.Stop()
	defer func() {
		if t.Failed() {
			t.Logf("console:\n%s", con.text())
		}
	}()

	q, err := DialQMP(ctx, qmpPath)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if st, err := q.Status(ctx); err != nil || st != "running" {
		t.Errorf("query-status = %q, %v", st, err)
	}
	// Before the guest drives virtio-gpu, QEMU shows its own blank
	// surface: enough to check screendump and the PPM decoder.
	shot := filepath.Join(dir, "screen.ppm")
	if err := q.Screendump(ctx, shot); err != nil {
		t.Errorf("screendump: %v", err)
	} else if img, err := ReadPPMFile(shot); err != nil || img.Bounds().Dx() == 0 {
		t.Errorf("screendump: %v", err)
	}

	run := bootRun{con: con}
	select {
	case run.marker = <-con.seen:
	case <-vm.Done():
		t.Fatalf("QEMU exited before the init's marker: %v", vm.Wait())
	case <-ctx.Done():
		t.Fatal("no marker from the init before the timeout")
	}
	select {
	case <-vm.Done():
		if err := vm.Wait(); err != nil {
			t.Errorf("QEMU after power-off: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("guest did not power off")
	}
	run.exit = time.Since(start)
	return run
}

// TestBootInQEMU boots the image the builder makes through U-Boot in
// qemu-system-aarch64 (TCG): U-Boot runs boot.scr from slot A, the kernel
// starts the test init, PID 1's boot sequence loads the board's modules
// and mounts the data partition, and the init prints its marker and
// powers off.
func TestBootInQEMU(t *testing.T) {
	dir := t.TempDir()
	run := bootTestImage(t, testImage(t, dir), dir)
	if !strings.HasPrefix(run.marker, "payterm-init-ok ") {
		t.Fatalf("init says: %s", run.marker)
	}
	for _, want := range []string{"board=qemu-virt", "slot=1", "data=/dev/vda3", "failed= "} {
		if !strings.Contains(run.marker, want) {
			t.Errorf("marker lacks %q: %s", want, run.marker)
		}
	}
	con := run.con
	t.Logf("power-on → U-Boot script %.2fs → kernel %.2fs → init marker %.2fs → QEMU exit %.2fs",
		con.first("Found U-Boot script").Seconds(), con.first("Booting Linux").Seconds(),
		con.first("payterm-init-ok").Seconds(), run.exit.Seconds())
	for _, l := range strings.Split(con.text(), "\n") {
		if strings.Contains(l, "payterm-devices") {
			t.Log(l)
		}
	}
	checkUBootQuiet(t, con.text(), "payterm: slot A, partition 1, 2 tries left after this one")
}

// checkUBootQuiet fails the test unless U-Boot's part of a console log
// holds want and no noise (UBootNoise): a healthy boot finds its slot
// quietly.
func checkUBootQuiet(t testing.TB, console, want string) {
	t.Helper()
	uboot := UBootLog(console)
	if !strings.Contains(uboot, want) {
		t.Errorf("U-Boot did not say %q", want)
	}
	for _, l := range UBootNoise(console) {
		t.Errorf("U-Boot on a healthy boot: %s", l)
	}
	if t.Failed() {
		t.Logf("U-Boot's console:\n%s", uboot)
	}
}

// BenchmarkBootToInit measures power-on to the init's marker through
// U-Boot under TCG (boot-s), and how much of it U-Boot takes (uboot-s;
// the image's U-Boot environment has no autoboot delay). Run with
// -benchtime=1x.
func BenchmarkBootToInit(b *testing.B) {
	dir := b.TempDir()
	res := testImage(b, dir)
	var boot, uboot float64
	for b.Loop() {
		run := bootTestImage(b, res, dir)
		boot += run.con.first("payterm-init-ok").Seconds()
		uboot += run.con.first("Booting Linux").Seconds()
	}
	b.ReportMetric(boot/float64(b.N), "boot-s")
	b.ReportMetric(uboot/float64(b.N), "uboot-s")
}

// TestImageReproducible builds the image twice and compares the bytes.
func TestImageReproducible(t *testing.T) {
	a := testImage(t, t.TempDir())
	b := testImage(t, t.TempDir())
	for _, n := range []string{OutInitrd, OutBootScr, OutSlot, OutDisk, OutUBootEnv} {
		if fileHash(t, a.Path(n)) != fileHash(t, b.Path(n)) {
			t.Errorf("%s differs between two builds", n)
		}
	}
}
