package systemtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"payterm/rootfs"
)

// Timeouts, generous for TCG on two shared cores: they bound a stuck run,
// they are not goals (the benchmarks measure).
const (
	bootTimeout   = 3 * time.Minute  // power-on to the terminal ready
	screenTimeout = 45 * time.Second // one screen change
	stepTimeout   = 60 * time.Second // one exchange with the terminal
)

// guest is one running QEMU: its console, QMP, and the unix sockets of
// its UARTs. It is killed at the test's cleanup whatever happens.
type guest struct {
	t       testing.TB
	dir     string
	start   time.Time
	vm      *rootfs.VM
	qmp     *rootfs.QMP
	con     *console
	posSock string
	scanner string // scanner UART socket
}

// boot starts m with a console, QMP and the UART sockets in a fresh
// directory. The guest's disk writes are discarded (-snapshot), so tests
// can share one image; bootPersistent keeps them.
func boot(t testing.TB, m rootfs.Machine) *guest {
	t.Helper()
	m.Snapshot = true
	return bootPersistent(t, m)
}

// bootPersistent is boot with the guest's disk writes kept in m.Disk, as
// a terminal's flash keeps them across power cycles: give it a disk of
// its own (writableDisk). The directory is short: unix socket paths are
// limited to 108 bytes.
func bootPersistent(t testing.TB, m rootfs.Machine) *guest {
	t.Helper()
	dir, err := os.MkdirTemp("", "pt-vm-")
	if err != nil {
		t.Fatal(err)
	}
	g := &guest{t: t, dir: dir, posSock: filepath.Join(dir, "pos.sock"), scanner: filepath.Join(dir, "scan.sock")}
	m.QMP = filepath.Join(dir, "qmp.sock")
	m.SerialPOS = g.posSock
	if !m.NoScanner {
		m.SerialScanner = g.scanner
	}
	g.start = time.Now()
	con, w := newConsole(g.start)
	g.con = con
	vm, err := m.Start(context.Background(), w)
	if err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	g.vm = vm
	t.Cleanup(func() {
		if g.qmp != nil {
			g.qmp.Close()
		}
		vm.Stop()
		w.Close()
		if t.Failed() {
			t.Logf("guest console:\n%s", con.text())
		}
		os.RemoveAll(dir)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if g.qmp, err = rootfs.DialQMP(ctx, m.QMP); err != nil {
		t.Fatalf("QMP: %v", err)
	}
	return g
}

// wait waits up to d for a console line from index from on holding all
// of subs, and fails the test when none comes.
func (g *guest) wait(d time.Duration, from int, subs ...string) (line, int) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	l, i, err := g.con.waitAfter(ctx, g.vm.Done(), from, subs...)
	if err != nil {
		g.t.Fatalf("after %.1fs: %v", time.Since(g.start).Seconds(), err)
	}
	return l, i
}

// checkAlive fails the test if the kernel panicked, QEMU exited or PID 1
// restarted the terminal.
func (g *guest) checkAlive() {
	g.t.Helper()
	select {
	case <-g.vm.Done():
		g.t.Errorf("QEMU exited: %v", g.vm.Wait())
	default:
	}
	for _, bad := range []string{"Kernel panic", "terminal stopped; restarting", "panic:", "fatal error:"} {
		if l := g.con.find(bad); len(l) > 0 {
			g.t.Errorf("console at %.2fs: %s", l[0].at.Seconds(), l[0].text)
		}
	}
}

// dial connects to one of the guest's UART sockets.
func (g *guest) dial(path string) net.Conn {
	g.t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		g.t.Fatalf("UART socket: %v", err)
	}
	g.t.Cleanup(func() { c.Close() })
	return c
}

// hmp runs a human monitor command through QMP.
func (g *guest) hmp(ctx context.Context, cmd string) (string, error) {
	var out string
	err := g.qmp.Execute(ctx, "human-monitor-command", map[string]string{"command-line": cmd}, &out)
	return out, err
}

// PL061 GPIO controller of QEMU's virt machine (hw/arm/virt.c
// VIRT_GPIO) and its registers (ARM PrimeCell PL061 TRM, DDI 0190):
// GPIODATA is read through the address mask, so offset 0x3fc reads all
// eight lines; GPIODIR has a 1 for each line driven as an output.
const (
	pl061Base = 0x09030000
	gpioData  = pl061Base + 0x3fc
	gpioDir   = pl061Base + 0x400
)

// readWord reads a 32-bit word of guest physical memory (xp).
func (g *guest) readWord(ctx context.Context, addr uint64) (uint32, error) {
	out, err := g.hmp(ctx, fmt.Sprintf("xp /1wx %#x", addr))
	if err != nil {
		return 0, err
	}
	// "0000000009030400: 0x00000010"
	_, v, ok := strings.Cut(strings.TrimSpace(out), ": ")
	if !ok {
		return 0, fmt.Errorf("xp %#x: unexpected answer %q", addr, out)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 32)
	if err != nil {
		return 0, fmt.Errorf("xp %#x: %q: %w", addr, out, err)
	}
	return uint32(n), nil
}

// gpioLine is one PL061 line as the host sees it: driven as an output,
// and its level.
type gpioLine struct{ output, high bool }

func (l gpioLine) String() string {
	dir := "input"
	if l.output {
		dir = "output"
	}
	return fmt.Sprintf("%s, level %v", dir, map[bool]int{false: 0, true: 1}[l.high])
}

// gpio reads line n of the PL061.
func (g *guest) gpio(n int) gpioLine {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dir, err := g.readWord(ctx, gpioDir)
	if err != nil {
		g.t.Fatal(err)
	}
	data, err := g.readWord(ctx, gpioData)
	if err != nil {
		g.t.Fatal(err)
	}
	return gpioLine{output: dir&(1<<n) != 0, high: data&(1<<n) != 0}
}
