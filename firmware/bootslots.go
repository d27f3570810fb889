package main

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"payterm/update/bootselect"
	"payterm/update/bootstate"
	"payterm/update/floor"
)

// bootSlots is the firmware's side of A/B booting (issue 7): it reads
// what U-Boot did on this power-on from the boot state (update/
// bootstate), reports it on the console log (and so in the Diagnosis),
// commits the running slot once the terminal passed its self-check, and
// stages a slot an update was installed into. A nil *bootSlots (no boot
// state partition, the virtual terminal) does nothing.
type bootSlots struct {
	store   *bootstate.Store
	running bootselect.Slot
	version string
	booted  bootselect.Booted
	log     *slog.Logger
	// restart asks PID 1 for a clean restart.
	restart func(reason string)
	// failHook is the test hook payterm.test.selfcheck=fail.
	failHook bool
	// floorDir holds the minimum-version floor (update/floor) on the data
	// partition; "" keeps none (updates then check no floor).
	floorDir string

	mu        sync.Mutex
	committed bool
}

// cmdlineTestSelfCheck is a test-only kernel command line parameter:
// "fail" makes every self-check fail, as a broken update's would.
const cmdlineTestSelfCheck = "payterm.test.selfcheck"

// newBootSlots reads the boot state for the running slot (payterm.slot's
// partition number) and logs what happened: the slot and version
// booted, and a rollback or a slot left failed with its version. An
// unreadable state is logged; the slot is committed over it later.
func newBootSlots(store *bootstate.Store, partition, version string, log *slog.Logger, restart func(string)) (*bootSlots, error) {
	running, err := bootstate.SlotOfPartition(partition)
	if err != nil {
		return nil, fmt.Errorf("boot slot: %w", err)
	}
	b := &bootSlots{store: store, running: running, version: version, log: log, restart: restart}
	booted, _, err := store.Check(running)
	if err != nil {
		log.Warn("boot state unreadable; the slot is committed over it after the self-check", "err", err)
	}
	b.booted = booted
	log.Info("boot slot", "slot", running.String(), "version", version, "tries_left", booted.Left, "trial", booted.Trial)
	switch {
	case booted.Rollback:
		log.Error("update rolled back: the new firmware did not pass its self-check", "running", running.String(),
			"failed_slot", booted.Failed.String(), "failed_version", booted.FailedVersion)
	case booted.Failed != bootselect.None:
		log.Warn("a failed update stays in the other slot", "failed_slot", booted.Failed.String(), "failed_version", booted.FailedVersion)
	}
	return b, nil
}

// Booted is what this boot was (bootselect.Booted): the POS's report of
// version, slot and last boot result. Trial ends when the self-check
// commits the slot.
func (b *bootSlots) Booted() bootselect.Booted {
	if b == nil {
		return bootselect.Booted{}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	booted := b.booted
	booted.Trial = booted.Trial && !b.committed
	return booted
}

// selfChecked takes the self-check's result: nil commits the running
// slot (once per boot); an error is logged, and on a slot still on trial
// restarts the terminal, so that U-Boot counts another attempt and falls
// back to the old slot when the tries run out. A committed slot that
// fails its check keeps running: restarting would not bring anything
// better back.
func (b *bootSlots) selfChecked(err error) {
	if b == nil {
		return
	}
	if err == nil && b.failHook {
		err = errors.New("test hook " + cmdlineTestSelfCheck + "=fail")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.log.Error("self-check failed", "slot", b.running.String(), "version", b.version, "trial", b.booted.Trial, "err", err)
		if b.booted.Trial && !b.committed {
			b.log.Error("restarting: a slot on trial must pass its self-check", "slot", b.running.String(), "tries_left", b.booted.Left)
			b.restart("self-check failed on a trial slot")
		}
		return
	}
	if b.committed {
		return
	}
	if err := b.store.MarkGood(b.running, b.version); err != nil {
		b.log.Error("boot slot not marked good", "slot", b.running.String(), "err", err)
		return
	}
	b.committed = true
	b.log.Info("boot slot marked good", "slot", b.running.String(), "version", b.version)
	b.commitFloor()
}

// commitFloor raises the floor to the min_version of the release this
// slot was staged with, now that it is committed. A power cut before
// this leaves it pending, and the next boot's commit raises it.
func (b *bootSlots) commitFloor() {
	if b.floorDir == "" {
		return
	}
	r, err := floor.Load(b.floorDir)
	if err != nil {
		b.log.Error("update floor unreadable; not raised", "err", err)
		return
	}
	next, raised, err := r.Commit(b.running.String(), b.version)
	if err == nil && (raised || next.Pending != r.Pending) {
		err = floor.Save(b.floorDir, next)
	}
	if err != nil {
		b.log.Error("update floor not raised", "err", err)
		return
	}
	if raised {
		b.log.Info("update floor raised", "floor", next.Floor, "by_version", b.version)
	}
}

// Floor is the minimum version an update must have (install.Config's
// Floor): the committed floor; "" for none. When the record cannot be
// read it is this firmware's own version, so nothing older gets in
// until the record is written again.
func (b *bootSlots) Floor() string {
	if b == nil || b.floorDir == "" {
		return ""
	}
	r, err := floor.Load(b.floorDir)
	if err != nil {
		b.log.Error("update floor unreadable: refusing versions below the running one", "err", err, "version", b.version)
		return b.version
	}
	return r.Floor
}

// Inactive is the slot an update installs into: the one not running.
func (b *bootSlots) Inactive() bootselect.Slot {
	if b == nil {
		return bootselect.None
	}
	return b.running.Other()
}

// InactiveLabel is the GPT name of the inactive slot's partition, for
// the installer to open (pid1.FindPartition).
func (b *bootSlots) InactiveLabel() string { return bootstate.SlotLabel(b.Inactive()) }

// BeginInstall marks the inactive slot unbootable before an update
// writes its first byte, so that a power cut mid-install leaves no
// half-written slot that a fallback could boot.
func (b *bootSlots) BeginInstall() error {
	if b == nil {
		return errors.New("boot slot: no boot state")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.store.Invalidate(b.Inactive()); err != nil {
		return fmt.Errorf("boot slot: %w", err)
	}
	b.log.Info("boot slot invalidated for an install", "slot", b.Inactive().String())
	return nil
}

// TryNext stages the inactive slot after an install of version finished
// (its size and hashes checked, synced): the next power-on boots it, up
// to bootselect.Tries times, and falls back to the running slot if it
// never passes its self-check. minVersion, the release's floor ("" for
// none), is recorded first as pending: it becomes the floor when that
// slot is marked good. The caller restarts when the checkout is idle.
func (b *bootSlots) TryNext(version, minVersion string) error {
	if b == nil {
		return errors.New("boot slot: no boot state")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.floorDir != "" {
		r, err := floor.Load(b.floorDir)
		if err != nil {
			// Start the record over with the running version standing in
			// for the floor it held, as Floor does.
			b.log.Error("update floor unreadable; written anew with the running version as the floor", "err", err)
			r = floor.Record{Floor: b.version}
		}
		if err := floor.Save(b.floorDir, r.Stage(b.Inactive().String(), version, minVersion)); err != nil {
			return fmt.Errorf("boot slot: %w", err)
		}
	}
	if err := b.store.TryNext(b.Inactive(), version, 0); err != nil {
		return fmt.Errorf("boot slot: %w", err)
	}
	b.log.Info("boot slot staged", "slot", b.Inactive().String(), "version", version, "tries", bootselect.Tries)
	return nil
}
