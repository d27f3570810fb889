package systemtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"payterm/internal/version"
	"payterm/rootfs"
	"payterm/update/bootselect"
	"payterm/update/bootstate"
)

// Console lines of the boot side of an update (firmware/bootslots.go,
// rootfs/bootscr.go).
const (
	slotMarkedGood = `msg="boot slot marked good"`
	slotBooted     = `msg="boot slot"`
	rolledBack     = `msg="update rolled back`
	selfCheckFail  = `msg="self-check failed"`
)

// otaRelease is a later release the OTA tests install: the same tree's
// firmware stamped with a later version, as slot images (what a bundle
// carries as slot.vfat) — one healthy, one whose self-check fails
// (payterm.test.selfcheck=fail in its bootargs.env) — and the kernel
// release they boot.
type otaRelease struct {
	version   string
	kernel    string // uname -r of the slot's Image
	good, bad string
}

// nextVersion is version with its patch number one higher.
func nextVersion(tb testing.TB, v string) string {
	i := strings.LastIndexByte(v, '.')
	n, err := strconv.Atoi(v[i+1:])
	if i < 0 || err != nil {
		tb.Fatalf("version %q", v)
	}
	return fmt.Sprintf("%s%d", v[:i+1], n+1)
}

// ota returns the next release, building it on first use.
func (b *builds) ota(tb testing.TB) otaRelease {
	tb.Helper()
	b.terminal(tb)
	b.otaOnce.Do(func() {
		b.otaRel, b.otaErr = buildRelease(tb, filepath.Join(b.dir, "ota"), nextVersion(tb, version.Firmware()), nil)
	})
	if b.otaErr != nil {
		tb.Fatalf("building the next release: %v", b.otaErr)
	}
	return b.otaRel
}

// otherKernel is the Debian kernel package of the kernel update: the
// other release update/delta's kernel benchmark measures (inputs_test.go),
// while the image boots the one rootfs/kernel.lock names.
const otherKernel = "linux-image-6.1.0-56-arm64"

// kernelUpdate returns the release after the next one, whose slot boots
// otherKernel (its Image and its modules in the initramfs), building it
// on first use.
func (b *builds) kernelUpdate(tb testing.TB) otaRelease {
	tb.Helper()
	b.terminal(tb)
	b.kernOnce.Do(func() {
		b.kernRel, b.kernErr = buildRelease(tb, filepath.Join(b.dir, "kernel"),
			nextVersion(tb, nextVersion(tb, version.Firmware())), pinnedKernel{kernel: otherKernel})
	})
	if b.kernErr != nil {
		tb.Fatalf("building the kernel update: %v", b.kernErr)
	}
	return b.kernRel
}

// pinnedKernel is apt with Debian's kernel metapackage depending on one
// kernel package.
type pinnedKernel struct {
	rootfs.AptCLI
	kernel string
}

func (a pinnedKernel) Show(ctx context.Context, pkg string) (map[string]string, error) {
	if strings.HasPrefix(pkg, "linux-image-arm64:") {
		return map[string]string{"Depends": a.kernel}, nil
	}
	return a.AptCLI.Show(ctx, pkg)
}

// buildRelease builds the firmware stamped with version and its slot
// images; apt nil takes the kernel the lock names, otherwise apt's.
func buildRelease(tb testing.TB, dir, version string, apt rootfs.Apt) (otaRelease, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	rel := otaRelease{version: version}
	fw := filepath.Join(dir, "payterm")
	flags := []string{"build", "-trimpath", "-tags", "netgo,osusergo",
		"-ldflags", "-s -w -extldflags=-static -X payterm/internal/version.stamp=" + rel.version, "-o", fw, "./firmware"}
	if err := crossBuild(ctx, flags...); err != nil {
		return rel, err
	}
	cascade, err := rootfs.PigoCascade(ctx, repoRoot)
	if err != nil {
		return rel, err
	}
	args := terminalArgs()
	o := rootfs.Options{
		Init: fw, OutDir: filepath.Join(dir, "image"), NoDisk: true, Args: args,
		Files: []rootfs.FileSpec{
			{Src: cjkFont, Dst: strings.TrimPrefix(cjkFont, "/")},
			{Src: cascade, Dst: "usr/share/payterm/pigo/facefinder"},
		},
	}
	if apt != nil {
		// Another kernel than the lock's: a lock of its own.
		o.Apt, o.LockFile = apt, filepath.Join(dir, "kernel.lock")
	}
	res, err := buildImage(ctx, tb, o)
	if err != nil {
		return rel, err
	}
	rel.kernel = res.Kernel.Release
	badArgs := filepath.Join(dir, "bad-bootargs.env")
	if err := os.WriteFile(badArgs, rootfs.BootArgsFile(args+" payterm.test.selfcheck=fail"), 0o644); err != nil {
		return rel, err
	}
	for _, s := range []struct {
		out  *string
		name string
		args string
	}{{&rel.good, "good.vfat", res.Path(rootfs.OutBootArgs)}, {&rel.bad, "bad.vfat", badArgs}} {
		*s.out, err = rootfs.SlotImage(ctx, rootfs.SlotSpec{Path: filepath.Join(dir, s.name), Files: map[string]string{
			rootfs.SlotScript: res.Path(rootfs.OutBootScr), rootfs.SlotBootArgs: s.args,
			rootfs.SlotKernel: res.Path(rootfs.OutImage), rootfs.SlotInitrd: res.Path(rootfs.OutInitrd),
		}})
		if err != nil {
			return rel, err
		}
	}
	return rel, nil
}

// partitionOffset is the byte offset of partition i (rootfs.PartSlotA, …)
// on the image's disk.
func partitionOffset(i int) int64 {
	_, parts := rootfs.DiskPartitions(rootfs.DiskSpec{})
	return int64(parts[i].FirstLBA) * rootfs.SectorSize
}

// bootState opens the boot state of a disk image from the host.
func bootState(t testing.TB, disk string) *bootstate.Store {
	t.Helper()
	s, c, err := bootstate.OpenInDisk(disk, partitionOffset(rootfs.PartBootEnv))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return s
}

// install does from the host what an update does on the terminal: mark
// slot unbootable, write the slot image raw at the start of its
// partition, stage it with tries attempts for version.
func install(t testing.TB, disk string, slot bootselect.Slot, image, version string, tries int) {
	t.Helper()
	s := bootState(t, disk)
	if err := s.Invalidate(slot); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(image)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(disk, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	part := rootfs.PartSlotA
	if slot == bootselect.B {
		part = rootfs.PartSlotB
	}
	_, err = f.WriteAt(b, partitionOffset(part))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TryNext(slot, version, tries); err != nil {
		t.Fatal(err)
	}
}

// wantState fails the test unless the disk's boot state is want.
func wantState(t testing.TB, disk string, want bootselect.State) {
	t.Helper()
	got, err := bootState(t, disk).State()
	if err != nil || got != want {
		t.Fatalf("boot state %+v, %v\nwant %+v", got, err, want)
	}
}

// bootSlotOn boots m (its disk kept) through U-Boot and waits for the
// firmware to mark slot good with version; it checks U-Boot picked the
// slot quietly.
func bootSlotOn(t testing.TB, m rootfs.Machine, slot bootselect.Slot, version string, trial bool) *guest {
	t.Helper()
	g := bootPersistent(t, m)
	g.wait(bootTimeout, 0, slotBooted, "slot="+slot.String(), "version="+version, fmt.Sprintf("trial=%v", trial))
	g.wait(stepTimeout, 0, slotMarkedGood, "slot="+slot.String(), "version="+version)
	part := map[bootselect.Slot]string{bootselect.A: "1", bootselect.B: "2"}[slot]
	checkUBootQuiet(t, g.con.text(), fmt.Sprintf("payterm: slot %s, partition %s", slot, part))
	g.checkAlive()
	return g
}

// checkUBootQuiet fails the test unless U-Boot's part of a console log
// holds want and no noise (rootfs.UBootNoise): a healthy boot finds its
// slot quietly.
func checkUBootQuiet(t testing.TB, console, want string) {
	t.Helper()
	if !strings.Contains(rootfs.UBootLog(console), want) {
		t.Errorf("U-Boot did not say %q", want)
	}
	for _, l := range rootfs.UBootNoise(console) {
		t.Errorf("U-Boot on a healthy boot: %s", l)
	}
}

// otaCuts is how many power cuts TestOTAPowerCutsInQEMU makes; more with
// PAYTERM_OTA_CUTS=n (a longer run).
func otaCuts(t testing.TB) int {
	if s := os.Getenv("PAYTERM_OTA_CUTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("PAYTERM_OTA_CUTS=%q", s)
		}
		return n
	}
	return 5
}

// cutRand is where a power-cut test draws its cut points: from a new
// seed it logs, or from PAYTERM_OTA_SEED to repeat a run; stream tells
// the tests apart.
func cutRand(t testing.TB, stream uint64) *rand.Rand {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PAYTERM_OTA_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("PAYTERM_OTA_SEED=%q: %v", s, err)
		}
	}
	t.Logf("PAYTERM_OTA_SEED=%d", seed)
	return rand.New(rand.NewPCG(seed, stream))
}

// TestOTAPowerCutsInQEMU kills QEMU (a power cut: the guest's unsynced
// writes are lost) at random points of boots that switch slots — U-Boot
// counting an attempt, a trial slot's first boot, the commit — with an
// update staged again after every commit (A and B in turn). The boot
// state must stay readable after every cut, and a last, uncut boot must
// reach a slot that passes its self-check (the data partition mounted,
// the journal verified) and commit it. PAYTERM_OTA_SEED repeats a run.
func TestOTAPowerCutsInQEMU(t *testing.T) {
	img := shared.terminal(t)
	rel := shared.ota(t)
	old := version.Firmware()
	disk := writableDisk(t, img)
	rng := cutRand(t, 1)
	images := map[bootselect.Slot][2]string{bootselect.A: {img.Path(rootfs.OutSlot), old}, bootselect.B: {rel.good, rel.version}}
	install(t, disk, bootselect.B, rel.good, rel.version, 0)

	// The first boot, uncut, times power-on to the commit on this
	// machine; cuts then fall anywhere up to half as long again: U-Boot
	// counting the attempt, the kernel, the trial's self-check, the
	// commit's write, the terminal running.
	g := bootPersistent(t, rootfs.Machine{Disk: disk, UBootEnv: img.Path(rootfs.OutUBootEnv)})
	l, _ := g.wait(bootTimeout, 0, slotMarkedGood, "slot=B")
	latest := l.at * 3 / 2
	g.vm.Stop()
	install(t, disk, bootselect.A, images[bootselect.A][0], images[bootselect.A][1], 0)
	t.Logf("commit %.1fs after power-on: cuts within %.1fs", l.at.Seconds(), latest.Seconds())
	for i := range otaCuts(t) {
		after := time.Duration(rng.Int64N(int64(latest)))
		g := bootPersistent(t, rootfs.Machine{Disk: disk, UBootEnv: img.Path(rootfs.OutUBootEnv)})
		select {
		case <-time.After(after):
		case <-g.vm.Done():
		}
		g.vm.Stop()
		committed := g.con.find(slotMarkedGood)
		last := "nothing"
		if ls := g.con.find(""); len(ls) > 0 {
			last = ls[len(ls)-1].text
		}
		st, err := bootState(t, disk).State()
		if err != nil {
			t.Fatalf("cut %d after %v: boot state unreadable: %v\n%s", i, after, err, g.con.text())
		}
		t.Logf("cut %d after %.1fs: state %+v; last line: %.100s", i, after.Seconds(), st, last)
		if len(committed) > 0 {
			// Committed: stage the other slot, as the next update would.
			running := st.Order[0]
			next := running.Other()
			install(t, disk, next, images[next][0], images[next][1], 0)
		}
	}
	st, _ := bootState(t, disk).State()
	g = bootPersistent(t, rootfs.Machine{Disk: disk, UBootEnv: img.Path(rootfs.OutUBootEnv)})
	l, _ = g.wait(bootTimeout, 0, slotMarkedGood)
	g.wait(stepTimeout, 0, journalOpened)
	g.checkAlive()
	for _, bad := range []string{storageDegraded, selfCheckFail} {
		if ls := g.con.find(bad); len(ls) > 0 {
			t.Errorf("after the cuts: %s", ls[0].text)
		}
	}
	t.Logf("after the cuts, from state %+v: %s", st, l.text)
	g.powerDown(shutdownTimeout)
}
