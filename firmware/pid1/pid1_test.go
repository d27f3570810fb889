package pid1

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestRing(t *testing.T) {
	for _, c := range []struct {
		name   string
		size   int
		writes []string
		want   string
	}{
		{"empty", 4, nil, ""},
		{"fits", 8, []string{"ab", "cd"}, "abcd"},
		{"exactly full", 4, []string{"ab", "cd"}, "abcd"},
		{"wraps", 4, []string{"abc", "def"}, "cdef"},
		{"wraps twice", 3, []string{"ab", "cd", "ef", "g"}, "efg"},
		{"one big write", 4, []string{"x", "0123456789"}, "6789"},
		{"big then small", 4, []string{"0123456789", "ab"}, "89ab"},
		{"empty write", 4, []string{"ab", "", "c"}, "abc"},
	} {
		r := NewRing(c.size)
		total := 0
		for _, w := range c.writes {
			n, err := r.Write([]byte(w))
			if n != len(w) || err != nil {
				t.Fatalf("%s: Write = %d, %v", c.name, n, err)
			}
			total += len(w)
		}
		if got := string(r.Bytes()); got != c.want {
			t.Errorf("%s: Bytes = %q, want %q", c.name, got, c.want)
		}
		if r.Written() != int64(total) {
			t.Errorf("%s: Written = %d, want %d", c.name, r.Written(), total)
		}
	}
	if len(NewRing(0).buf) != DefaultRingSize {
		t.Error("NewRing(0) is not the default size")
	}
}

func TestRingConcurrent(t *testing.T) {
	r := NewRing(64)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				fmt.Fprintf(r, "%d\n", i)
				r.Bytes()
			}
		}()
	}
	wg.Wait()
	b := r.Bytes()
	if len(b) != 64 || r.Written() != 8*200*2 {
		t.Errorf("kept %d, written %d", len(b), r.Written())
	}
	// Whole lines after the first cut one: writes never interleave.
	lines := strings.Split(string(b), "\n")
	for _, l := range lines[1 : len(lines)-1] {
		if len(l) != 1 {
			t.Fatalf("torn line %q in %q", l, b)
		}
	}
}

func TestParseCmdline(t *testing.T) {
	c := ParseCmdline("console=ttyAMA0 quiet payterm.board=qemu-virt  root=\"/dev/x y\" payterm.board=other payterm.slot=2 empty=\n")
	want := Cmdline{
		{"console", "ttyAMA0", true}, {"quiet", "", false}, {"payterm.board", "qemu-virt", true},
		{"root", "/dev/x y", true}, {"payterm.board", "other", true}, {"payterm.slot", "2", true}, {"empty", "", true},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("ParseCmdline =\n%+v\nwant\n%+v", c, want)
	}
	if v, ok := c.Get(CmdlineBoard); !ok || v != "other" {
		t.Errorf("Get(board) = %q, %v; the last one wins", v, ok)
	}
	if _, ok := c.Get("absent"); ok {
		t.Error("Get(absent) found something")
	}
	if ParseCmdline("  \n") != nil {
		t.Error("blank command line has parameters")
	}
}

func FuzzParseCmdline(f *testing.F) {
	f.Add("console=ttyAMA0 payterm.board=qemu-virt \"a b\"=c")
	f.Add(`x="unterminated`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ParseCmdline(s) {
			if p.Key == "" && !p.HasValue && p.Value == "" {
				continue // a lone pair of quotes
			}
			if strings.ContainsAny(p.Key, "\"") || strings.ContainsAny(p.Value, "\"") {
				t.Fatalf("quote kept in %+v", p)
			}
		}
	})
}

func TestCompatible(t *testing.T) {
	c := ParseCompatible([]byte("vendor,terminal-v2\x00linux,dummy-virt\x00"))
	if !reflect.DeepEqual(c, []string{"vendor,terminal-v2", "linux,dummy-virt"}) {
		t.Errorf("ParseCompatible = %q", c)
	}
	table := DefaultCompatible()
	if b := BoardFromCompatible(c, table); b != "qemu-virt" {
		t.Errorf("board = %q", b)
	}
	table["vendor,terminal-v2"] = "t2"
	if b := BoardFromCompatible(c, table); b != "t2" {
		t.Errorf("the most specific string should win, got %q", b)
	}
	if b := BoardFromCompatible([]string{"other"}, table); b != "" {
		t.Errorf("unknown board = %q", b)
	}
	if ParseCompatible(nil) != nil {
		t.Error("empty property has strings")
	}
}

func FuzzParseCompatible(f *testing.F) {
	f.Add([]byte("linux,dummy-virt\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range ParseCompatible(b) {
			if s == "" || strings.Contains(s, "\x00") {
				t.Fatalf("bad string %q", s)
			}
		}
	})
}

func FuzzParseUevent(f *testing.F) {
	f.Add("MAJOR=254\nMINOR=3\nDEVNAME=vda3\nDEVTYPE=partition\nPARTN=3\nPARTNAME=data\n")
	f.Fuzz(func(t *testing.T, s string) {
		for k := range ParseUevent(strings.NewReader(s)) {
			if strings.Contains(k, "=") || strings.Contains(k, "\n") {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}

const release = "6.1.0-test"

// moduleTree is a fake lib/modules/<release> with virtio-gpu ← drm,
// vivid ← videodev ← mc, and gpio-pl061 built in.
func moduleTree(t *testing.T) string {
	root := t.TempDir()
	base := "lib/modules/" + release + "/"
	files := map[string]string{
		base + "modules.dep": "kernel/drm.ko:\nkernel/virtio-gpu.ko: kernel/drm.ko\nkernel/mc.ko:\n" +
			"kernel/videodev.ko: kernel/mc.ko\nkernel/vivid.ko: kernel/videodev.ko kernel/mc.ko\nkernel/broken-dep.ko: kernel/gone.ko\n",
		base + "modules.builtin": "kernel/drivers/gpio/gpio-pl061.ko\n",
	}
	for _, m := range []string{"drm", "virtio-gpu", "mc", "videodev", "vivid", "broken-dep"} {
		files[base+"kernel/"+m+".ko"] = "\x7fELF"
	}
	writeTree(t, root, files)
	return root
}

func TestLoadModules(t *testing.T) {
	root := moduleTree(t)
	sys := &fakeSys{root: root, loadErr: map[string]error{"drm.ko": unix.EEXIST}}
	rep, err := LoadModules(sys, root, release, []string{"virtio_gpu", "gpio-pl061", "vivid", "drm", "absent"},
		map[string]string{"vivid": "n_devs=1"}, discard())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"load drm.ko", "load virtio-gpu.ko", "load mc.ko", "load videodev.ko", "load vivid.ko n_devs=1"}
	if got := sys.only("load"); !reflect.DeepEqual(got, want) {
		t.Errorf("loads %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(rep.Loaded, []string{"drm", "virtio_gpu", "mc", "videodev", "vivid"}) ||
		!reflect.DeepEqual(rep.Builtin, []string{"gpio_pl061"}) || !reflect.DeepEqual(rep.Failed, []string{"absent"}) {
		t.Errorf("report %+v", rep)
	}
}

func TestLoadModulesFailureSkipsDependents(t *testing.T) {
	root := moduleTree(t)
	sys := &fakeSys{root: root, loadErr: map[string]error{"mc.ko": unix.ENOEXEC}}
	rep, err := LoadModules(sys, root, release, []string{"vivid", "virtio_gpu", "broken_dep"}, nil, discard())
	if err != nil {
		t.Fatal(err)
	}
	if got := sys.only("load"); !reflect.DeepEqual(got, []string{"load mc.ko", "load drm.ko", "load virtio-gpu.ko"}) {
		t.Errorf("loads %q", got)
	}
	if !reflect.DeepEqual(rep.Failed, []string{"mc", "videodev", "vivid", "broken_dep"}) || !reflect.DeepEqual(rep.Loaded, []string{"drm", "virtio_gpu"}) {
		t.Errorf("report %+v", rep)
	}
}

func TestLoadModulesNoTable(t *testing.T) {
	if _, err := LoadModules(&fakeSys{}, t.TempDir(), release, []string{"x"}, nil, discard()); err == nil {
		t.Error("missing modules.dep: no error")
	}
}

func TestReadModuleList(t *testing.T) {
	got, err := ReadModuleList(strings.NewReader("# c\nvirtio_pci\n\n  vivid n_devs=1\n"))
	if err != nil || !reflect.DeepEqual(got, []string{"virtio_pci", "vivid"}) {
		t.Errorf("ReadModuleList = %q, %v", got, err)
	}
}

func TestMountEssential(t *testing.T) {
	root := t.TempDir()
	sys := &fakeSys{root: root, mountErr: map[string]error{"/dev": unix.EBUSY}}
	if err := MountEssential(sys, root); err != nil {
		t.Fatal(err)
	}
	want := []string{"mount proc /proc proc", "mount sysfs /sys sysfs", "mount devtmpfs /dev devtmpfs", "mount tmpfs /tmp tmpfs", "mount tmpfs /run tmpfs"}
	if got := sys.callList(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %q", got)
	}
	for _, d := range []string{"proc", "sys", "dev", "tmp", "run"} {
		if st, err := os.Stat(filepath.Join(root, d)); err != nil || !st.IsDir() {
			t.Errorf("no mount point %s", d)
		}
	}
	sys = &fakeSys{root: root, mountErr: map[string]error{"/sys": unix.EPERM}}
	if err := MountEssential(sys, root); !errors.Is(err, unix.EPERM) {
		t.Errorf("failed mount: %v", err)
	}
}

func blockTree(t *testing.T, parts map[string]string) string {
	root := t.TempDir()
	files := map[string]string{}
	for dev, label := range parts {
		files["sys/class/block/"+dev+"/uevent"] = "MAJOR=254\nDEVNAME=" + dev + "\nDEVTYPE=partition\nPARTNAME=" + label + "\n"
		files["dev/"+dev] = ""
	}
	writeTree(t, root, files)
	return root
}

func TestMountData(t *testing.T) {
	for _, c := range []struct {
		name     string
		parts    map[string]string
		mountErr map[string]error
		opts     DataMount
		wantDev  string
		wantCall string
		wantErr  bool
	}{
		{"by label", map[string]string{"vda1": "boot", "vdb7": "data"}, nil, DataMount{}, "/dev/vdb7", "mount /dev/vdb7 /data ext4", false},
		{"fallback device", map[string]string{"vda3": "other"}, nil, DataMount{}, "/dev/vda3", "mount /dev/vda3 /data ext4", false},
		{"second fs type", map[string]string{"vda3": "data"}, map[string]error{"ext4:/data": unix.EINVAL}, DataMount{}, "/dev/vda3", "mount /dev/vda3 /data vfat", false},
		{"no device", nil, nil, DataMount{Wait: 120 * time.Millisecond}, "", "", true},
		{"no device, tmpfs", nil, nil, DataMount{Wait: 120 * time.Millisecond, Tmpfs: true}, "tmpfs", "mount tmpfs /data tmpfs", false},
		{"unmountable, tmpfs", map[string]string{"vda3": "data"}, map[string]error{"ext4:/data": unix.EINVAL, "vfat:/data": unix.EINVAL},
			DataMount{Tmpfs: true}, "tmpfs", "mount tmpfs /data tmpfs", false},
		{"own label and target", map[string]string{"mmcblk0p4": "perm"}, nil, DataMount{Label: "perm", Target: "/perm", FSTypes: []string{"vfat"}},
			"/dev/mmcblk0p4", "mount /dev/mmcblk0p4 /perm vfat", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := blockTree(t, c.parts)
			sys := &fakeSys{root: root, mountErr: c.mountErr}
			dev, err := MountData(context.Background(), sys, root, c.opts, discard())
			if (err != nil) != c.wantErr || dev != c.wantDev {
				t.Fatalf("MountData = %q, %v", dev, err)
			}
			calls := sys.callList()
			if c.wantCall != "" && (len(calls) == 0 || calls[len(calls)-1] != c.wantCall) {
				t.Errorf("calls %q, want last %q", calls, c.wantCall)
			}
		})
	}
}

func TestMountDataWaitsForTheDevice(t *testing.T) {
	root := t.TempDir()
	sys := &fakeSys{root: root}
	// The device node comes first, then the uevent that names it, as the
	// kernel does; the test waits for the writer so that it never writes
	// into a removed directory.
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		time.Sleep(150 * time.Millisecond)
		writeTree(t, root, map[string]string{"dev/vda3": ""})
		writeTree(t, root, map[string]string{"sys/class/block/vda3/uevent": "DEVNAME=vda3\nPARTNAME=data\n"})
	}()
	defer func() { <-wrote }()
	dev, err := MountData(context.Background(), sys, root, DataMount{Wait: 5 * time.Second}, discard())
	if err != nil || dev != "/dev/vda3" {
		t.Errorf("MountData = %q, %v", dev, err)
	}
}

func TestShutdown(t *testing.T) {
	sys := &fakeSys{rebootErr: unix.EPERM}
	err := Shutdown(sys, PowerOff, []string{"/data", "/boot"}, discard())
	if !errors.Is(err, unix.EPERM) {
		t.Errorf("refused reboot: %v", err)
	}
	want := []string{"sync", "umount /boot", "umount /data", "sync", fmt.Sprintf("reboot %#x", PowerOff)}
	if got := sys.callList(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %q\nwant %q", got, want)
	}
}

type recorder struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	closed bool
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

func (r *recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}

func (r *recorder) state() (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.String(), r.closed
}

func TestWatchdogFeeds(t *testing.T) {
	for _, healthy := range []bool{true, false} {
		rec := &recorder{}
		ctx, cancel := context.WithTimeout(context.Background(), 120*time.Millisecond)
		w := Watchdog{Interval: 10 * time.Millisecond, Healthy: func() bool { return healthy }}
		if err := w.feed(ctx, rec, discard()); err != nil {
			t.Fatal(err)
		}
		cancel()
		got, closed := rec.state()
		feeds := strings.Count(got, "\x00")
		if healthy && feeds < 3 || !healthy && feeds != 0 {
			t.Errorf("healthy=%v: %d feeds", healthy, feeds)
		}
		if !strings.HasSuffix(got, "V") || !closed {
			t.Errorf("healthy=%v: not disarmed on exit (%q, closed %v)", healthy, got, closed)
		}
	}
}

func TestWatchdogAbsent(t *testing.T) {
	err := Watchdog{Device: filepath.Join(t.TempDir(), "watchdog")}.Run(context.Background(), discard())
	if !errors.Is(err, ErrNoWatchdog) {
		t.Errorf("Run = %v", err)
	}
}

func TestReap(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reaped := make(chan int, 4)
	go Reap(ctx, func(pid int, ws unix.WaitStatus) {
		if ws.Exited() && ws.ExitStatus() == 3 {
			reaped <- pid
		}
	})
	// A child nobody waits for, as an orphan handed to PID 1 would be.
	pid, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", "exit 3"}, &syscall.ProcAttr{})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-reaped:
		if got != pid {
			t.Errorf("reaped %d, want %d", got, pid)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("child not reaped")
	}
}

func TestBoot(t *testing.T) {
	root := moduleTree(t)
	writeTree(t, root, map[string]string{
		"proc/cmdline":                "console=ttyAMA0 payterm.slot=2\n",
		"proc/device-tree/compatible": "linux,dummy-virt\x00",
		"etc/modules":                 "# boot\nvirtio_gpu\ngpio_pl061\n",
		"sys/class/block/vda3/uevent": "DEVNAME=vda3\nPARTNAME=data\n",
		"dev/vda3":                    "",
	})
	sys := &fakeSys{root: root, release: release}
	var console bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Boot(ctx, Options{Root: root, Sys: sys, Console: &console, NoReap: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Board != "qemu-virt" || s.Slot != "2" || s.DataDir != "/data" || s.DataDevice != "/dev/vda3" ||
		!reflect.DeepEqual(s.Modules.Loaded, []string{"drm", "virtio_gpu"}) {
		t.Errorf("system %+v", s)
	}
	want := []string{
		"mount proc /proc proc", "mount sysfs /sys sysfs", "mount devtmpfs /dev devtmpfs", "mount tmpfs /tmp tmpfs", "mount tmpfs /run tmpfs",
		"load drm.ko", "load virtio-gpu.ko", "mount /dev/vda3 /data ext4",
	}
	if got := sys.callList(); !reflect.DeepEqual(got, want) {
		t.Errorf("boot calls\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(console.String(), "board=qemu-virt") || !bytes.Equal(s.Ring.Bytes(), console.Bytes()) {
		t.Errorf("console %q, ring %q", console.String(), s.Ring.Bytes())
	}
	if err := s.Shutdown(Restart); err != nil {
		t.Fatal(err)
	}
	tail := sys.callList()[len(want):]
	if !reflect.DeepEqual(tail, []string{"sync", "umount /data", "sync", fmt.Sprintf("reboot %#x", Restart)}) {
		t.Errorf("shutdown calls %q", tail)
	}
}

func TestBootBoardFromCmdline(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"proc/cmdline":                "payterm.board=sim",
		"proc/device-tree/compatible": "linux,dummy-virt\x00",
	})
	sys := &fakeSys{root: root, release: release}
	s, err := Boot(context.Background(), Options{Root: root, Sys: sys, Console: &bytes.Buffer{}, NoReap: true, NoWatchdog: true,
		Modules: []string{}, Data: DataMount{Wait: 50 * time.Millisecond, Tmpfs: true}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Board != "sim" || s.DataDevice != "tmpfs" {
		t.Errorf("board %q data %q", s.Board, s.DataDevice)
	}
}

func TestBootFailsWithoutData(t *testing.T) {
	root := t.TempDir()
	sys := &fakeSys{root: root, release: release}
	_, err := Boot(context.Background(), Options{Root: root, Sys: sys, Console: &bytes.Buffer{}, NoReap: true, NoWatchdog: true,
		Data: DataMount{Wait: 50 * time.Millisecond}})
	if err == nil || !strings.Contains(err.Error(), "data") {
		t.Errorf("Boot = %v", err)
	}
}
