package systemtest

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"payterm/firmware/poslink"
	"payterm/internal/version"
	"payterm/pos"
	"payterm/rootfs"
	"payterm/update/bootselect"
	"payterm/update/bundle"
	"payterm/update/delta"
	"payterm/update/manifest"
)

// Console lines of an update taken from the POS (firmware/otalink,
// firmware/otaslots.go) and of the kernel restarting the machine.
const (
	updateVerified   = `msg="update verified`
	updateInstalling = `msg="installing update"`
	slotStaged       = `msg="boot slot staged"`
	kernelRestart    = "reboot: Restarting system"
)

// posSaleID is the POS's SaleID in the OTA tests.
const posSaleID = "POS-QEMU"

// otaBundle writes the bundle of version whose slot.vfat is slot, signed
// with key for the qemu-virt board, into dir: a delta against base (the
// slot image of baseVersion the terminal runs) when base is not "",
// otherwise a full bundle. It returns the bundle as the POS offers it.
func otaBundle(t testing.TB, key ed25519.PrivateKey, dir, version, kernel, slot, base, baseVersion string) pos.Bundle {
	t.Helper()
	o := bundle.Options{
		Manifest: manifest.Manifest{Product: "payterm", Boards: []string{"qemu-virt"}, Version: version, Kernel: kernel,
			Expires: time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second)},
		Artefacts: []bundle.Source{{Name: "slot.vfat", Path: slot}},
		Keys:      []ed25519.PrivateKey{key},
	}
	kind := "full"
	if base != "" {
		codec, err := delta.NewZstd(delta.Options{})
		if err != nil {
			t.Fatal(err)
		}
		o.Delta = &bundle.Delta{Codec: codec, BaseVersion: baseVersion, Base: []bundle.Source{{Name: "slot.vfat", Path: base}}}
		kind = "delta"
	}
	path := filepath.Join(dir, fmt.Sprintf("terminal-%s-%s.bundle", version, kind))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = bundle.Build(f, o)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("building the %s bundle of %s: %v", kind, version, err)
	}
	b, err := pos.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(slot)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s bundle of %s: %d bytes (slot image %d bytes)", kind, version, b.Size, st.Size())
	return b
}

// otaStart is what each OTA test from the POS starts from: the
// terminal's image and the next release, both built on first use, and
// the version slot A of the image runs (this tree's).
type otaStart struct {
	img terminalImage
	rel otaRelease
	old string
}

// startOTA builds the image and the next release, or takes them built,
// in that order; under -short it skips (shared.terminal).
func startOTA(t testing.TB) otaStart {
	t.Helper()
	img := shared.terminal(t)
	return otaStart{img: img, rel: shared.ota(t), old: version.Firmware()}
}

// delta writes into dir the bundle of the next release whose slot.vfat
// is slot (o.rel.good or o.rel.bad), a delta against slot A's image.
func (o otaStart) delta(t testing.TB, dir, slot string) pos.Bundle {
	t.Helper()
	return otaBundle(t, o.img.UpdateKey, dir, o.rel.version, o.rel.kernel, slot, o.img.Path(rootfs.OutSlot), o.old)
}

// machine is the terminal on disk, booting through the image's U-Boot.
func (o otaStart) machine(disk string) rootfs.Machine {
	return rootfs.Machine{Disk: disk, UBootEnv: o.img.Path(rootfs.OutUBootEnv)}
}

// updater is the POS's updater on link; progress may be nil.
func updater(link *poslink.Client, progress func(pos.UpdateProgress)) *pos.Updater {
	var n atomic.Int64
	return &pos.Updater{
		Terminal: link, SaleID: posSaleID,
		NewServiceID: func() string { return fmt.Sprintf("qemu-ota-%d", n.Add(1)) },
		Progress:     progress,
	}
}

// syncBundle offers b over link and sends it as the POS does after its own
// upgrade, until the terminal has verified it; it logs the transfer's
// wire rate.
func syncBundle(t testing.TB, link *poslink.Client, b pos.Bundle, how string) pos.SyncResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := updater(link, nil).Sync(ctx, b)
	if err != nil {
		t.Fatalf("POS update to %s over %s: %v", b.Version, how, err)
	}
	if !res.Sent || res.Status.State != poslink.UpdateVerified {
		t.Fatalf("POS update to %s over %s: sent %v, state %s (%s); want the bundle sent and verified", b.Version, how, res.Sent, res.Status.State, res.Reason)
	}
	took := time.Since(start)
	t.Logf("%s: %d bytes from %d in %.1fs (%.0f KiB/s): %s", how, res.Bytes, res.From, took.Seconds(),
		float64(res.Bytes)/1024/took.Seconds(), res.Reason)
	return res
}

// terminalStatus asks the terminal its version, slot and update state.
func terminalStatus(t testing.TB, link *poslink.Client) poslink.UpdateStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	st, err := link.UpdateStatus(ctx, posSaleID, fmt.Sprintf("qemu-ota-status-%d", time.Now().UnixNano()))
	if err != nil {
		t.Fatalf("UpdateStatus: %v", err)
	}
	return st
}

// wantRunning fails the test unless the terminal reports version on slot,
// with no update pending and no rollback.
func wantRunning(t testing.TB, st poslink.UpdateStatus, version, slot string) {
	t.Helper()
	if st.Version != version || st.Slot != slot || st.RolledBack || st.State != poslink.UpdateIdle {
		t.Fatalf("terminal reports %+v; want version %s on slot %s, idle, no rollback", st, version, slot)
	}
}

// installed waits on g, a terminal that verified an update, for it to
// stage the update and restart (QEMU exits: -no-reboot).
func installed(t testing.TB, g *guest, from int, version string) {
	t.Helper()
	_, at := g.wait(stepTimeout, from, updateInstalling, "version="+version)
	_, at = g.wait(stepTimeout, at, slotStaged, "version="+version)
	g.wait(shutdownTimeout, at, kernelRestart)
	select {
	case <-g.vm.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("QEMU still running after the guest restarted")
	}
}

// TestOTAThroughPOSInQEMU updates the terminal as the field does, driven
// by the POS side: the POS offers a delta bundle of the next release
// (against the running slot A) over the serial link; half-way the cable
// is pulled, and a restarted POS resumes from the terminal's offset; the
// terminal verifies it, installs it into slot B at idle, restarts, boots
// B on trial and commits it; the POS then sees the new version on slot
// B. The next update, a full bundle sent over HTTPS, changes the kernel
// (otherKernel) and goes B→A the same way.
func TestOTAThroughPOSInQEMU(t *testing.T) {
	o := startOTA(t)
	kern := shared.kernelUpdate(t)
	disk := writableDisk(t, o.img)
	dir := t.TempDir()
	toB := o.delta(t, dir, o.rel.good)
	toA := otaBundle(t, o.img.UpdateKey, dir, kern.version, kern.kernel, kern.good, "", "")
	m := o.machine(disk)
	m.HTTPSPort = freePort(t)

	g := bootSlotOn(t, m, bootselect.A, o.old, false)
	g.wait(stepTimeout, 0, serialUp)
	cable := g.dial(g.posSock)
	link, _ := linkOver(t, cable)
	wantRunning(t, terminalStatus(t, link), o.old, "A")

	// The cable is pulled once the terminal has taken half the bundle.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var cutAt atomic.Int64
	u := updater(link, func(p pos.UpdateProgress) {
		if p.Done >= p.Total/2 && cutAt.CompareAndSwap(0, p.Done) {
			cable.Close()
		}
	})
	u.Tries, u.RetryWait = 2, 10*time.Millisecond
	first, err := u.Sync(ctx, toB)
	if err == nil || cutAt.Load() == 0 {
		t.Fatalf("the transfer with the cable pulled half-way: %+v, %v; want it cut", first, err)
	}
	t.Logf("cable pulled at %d of %d bytes: %v", cutAt.Load(), toB.Size, err)

	// A restarted POS on a new cable resumes where the terminal is.
	link, _ = newLink(t, g)
	mark := g.con.mark()
	second := syncBundle(t, link, toB, "serial, resumed")
	if second.From < cutAt.Load() || first.Bytes+second.Bytes >= 2*toB.Size {
		t.Fatalf("resumed from %d after the terminal had taken %d; %d+%d bytes sent for a bundle of %d: want a resume from the terminal's offset, under 2× the bundle",
			second.From, cutAt.Load(), first.Bytes, second.Bytes, toB.Size)
	}
	installed(t, g, mark, o.rel.version)
	g = bootSlotOn(t, m, bootselect.B, o.rel.version, true)
	g.wait(stepTimeout, 0, serialUp)
	link, _ = newLink(t, g)
	wantRunning(t, terminalStatus(t, link), o.rel.version, "B")
	// Committed: a power cycle stays on B, no longer on trial.
	g.powerDown(shutdownTimeout)
	g = bootSlotOn(t, m, bootselect.B, o.rel.version, false)
	g.wait(stepTimeout, 0, serialUp)

	// The kernel update, full, over HTTPS: B→A.
	https, err := poslink.NewClient(poslink.ClientConfig{POIID: poiID, Key: ptr(devKey()),
		Transport: poslink.NewHTTPSTransport(fmt.Sprintf("https://127.0.0.1:%d/nexo", m.HTTPSPort), nil, true)})
	if err != nil {
		t.Fatal(err)
	}
	mark = g.con.mark()
	if res := syncBundle(t, https, toA, "HTTPS"); res.From != 0 || res.Bytes != toA.Size {
		t.Errorf("the full bundle over HTTPS: %d bytes from %d; want all %d from 0", res.Bytes, res.From, toA.Size)
	}
	installed(t, g, mark, kern.version)
	g = bootSlotOn(t, m, bootselect.A, kern.version, true)
	if len(g.con.find("Linux version "+kern.kernel)) == 0 {
		t.Errorf("slot A did not boot kernel %s", kern.kernel)
	}
	g.wait(stepTimeout, 0, serialUp)
	link, _ = newLink(t, g)
	wantRunning(t, terminalStatus(t, link), kern.version, "A")
	g.powerDown(shutdownTimeout)
	wantState(t, disk, bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: bootselect.Tries, BLeft: bootselect.Tries,
		AVersion: kern.version, BVersion: o.rel.version})
}

// TestOTARollbackThroughPOSInQEMU: the POS offers the next release built
// to fail its self-check. The terminal installs it into slot B and
// restarts; B fails its check on each of its tries, U-Boot falls back to
// A by itself, and A commits itself and reports the rollback: the POS's
// status request shows RolledBack with the failed version, the
// Diagnosis log says so, and the POS does not offer that bundle again.
func TestOTARollbackThroughPOSInQEMU(t *testing.T) {
	o := startOTA(t)
	disk := writableDisk(t, o.img)
	bad := o.delta(t, t.TempDir(), o.rel.bad)

	m := o.machine(disk)
	m.Reboot = true
	g := bootPersistent(t, m)
	_, at := g.wait(bootTimeout, 0, slotMarkedGood, "slot=A")
	g.wait(stepTimeout, 0, serialUp)
	cable := g.dial(g.posSock)
	link, _ := linkOver(t, cable)
	syncBundle(t, link, bad, "serial")
	_, at = g.wait(stepTimeout, at, updateInstalling, "version="+o.rel.version)
	for i := range bootselect.Tries {
		_, at = g.wait(bootTimeout, at, slotBooted, "slot=B", "version="+o.rel.version, "trial=true", fmt.Sprintf("tries_left=%d", bootselect.Tries-1-i))
		_, at = g.wait(stepTimeout, at, selfCheckFail, "slot=B", "test hook")
		_, at = g.wait(shutdownTimeout, at, kernelRestart)
	}
	_, at = g.wait(bootTimeout, at, "payterm: slot A, partition 1")
	g.wait(bootTimeout, at, rolledBack, "running=A", "failed_slot=B", "failed_version="+o.rel.version)
	g.wait(stepTimeout, at, slotMarkedGood, "slot=A", "version="+o.old)
	g.wait(stepTimeout, at, serialUp)

	cable.Close() // the same QEMU: its socket takes one connection at a time
	link, _ = newLink(t, g)
	st := terminalStatus(t, link)
	if !st.RolledBack || st.FailedVersion != o.rel.version || st.Version != o.old || st.Slot != "A" ||
		st.State != poslink.UpdateFailed || !strings.Contains(st.Error, o.rel.version) {
		t.Fatalf("after the rollback the terminal reports %+v; want RolledBack from %s, running %s on A, the update failed", st, o.rel.version, o.old)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	if res, err := updater(link, nil).Sync(ctx, bad); !errors.Is(err, pos.ErrUpdateRolledBack) || res.Sent {
		t.Errorf("the POS offering the failed version again: sent %v, %v; want ErrUpdateRolledBack, nothing sent", res.Sent, err)
	}
	d, err := link.Diagnosis(ctx, posSaleID, "qemu-diagnosis-after-rollback")
	if err != nil {
		t.Fatalf("Diagnosis: %v", err)
	}
	var reported bool
	for _, l := range d.Log {
		reported = reported || strings.Contains(l, rolledBack) && strings.Contains(l, "failed_version="+o.rel.version)
	}
	if !reported {
		t.Errorf("the Diagnosis log does not report the rollback of %s", o.rel.version)
	}
	g.powerDown(shutdownTimeout)
	wantState(t, disk, bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: bootselect.Tries, BLeft: 0, AVersion: o.old, BVersion: o.rel.version})
}

func ptr[T any](v T) *T { return &v }
