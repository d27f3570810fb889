package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"payterm/firmware/otalink"
	"payterm/internal/atomicfile"
	"payterm/internal/version"
	"payterm/update/bootselect"
	"payterm/update/bootstate"
	"payterm/update/bundle"
	"payterm/update/delta"
	"payterm/update/install"
	"payterm/update/manifest"
)

// slotArtefact is the one artefact a bundle installs: a boot slot's FAT
// image (rootfs.SlotImage), written raw from the slot partition's start.
const slotArtefact = "slot.vfat"

// slotUpdates is the update path of a terminal with A/B boot slots: an
// offered bundle streams through update/install into the inactive slot's
// partition; once it is verified and the checkout is idle, the boot state
// stages that slot and the terminal restarts into it.
type slotUpdates struct {
	slots   *bootSlots
	keyring *manifest.Keyring
	board   string
	// partition finds a slot partition's device node by its GPT name
	// (pid1.FindPartition).
	partition func(label string) (string, error)
	stateDir  string // on the data partition
	now       func() time.Time
	log       *slog.Logger

	mu        sync.Mutex
	installed []manifest.Artefact // the running slot's, measured once
}

// parts are the updateParts the link's receiver uses.
func (u *slotUpdates) parts() updateParts {
	return updateParts{Open: u.open, Install: u.install, Boot: func() otalink.Boot {
		b := u.slots.Booted()
		return otalink.Boot{Slot: b.Running.String(), RolledBack: b.Rollback, FailedVersion: b.FailedVersion, Trial: b.Trial}
	}}
}

// open starts or resumes the installer of the offered bundle (its id
// names the install state, so another bundle's progress is never
// resumed; "" only opens to abort). The inactive slot is made
// unbootable first, so a half-written slot is never a fallback. The
// offered size lets the installer refuse a truncated bundle as soon as
// its manifest is in, before a frame reaches the slot.
func (u *slotUpdates) open(bundleID string, size int64) (otalink.Sink, error) {
	codec, err := delta.NewZstd(delta.Options{})
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if err := os.MkdirAll(u.stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if err := u.slots.BeginInstall(); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	// The inactive slot is about to change: its record no longer holds.
	if err := atomicfile.Remove(u.slotRecord(u.slots.Inactive())); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	target, err := u.partition(u.slots.InactiveLabel())
	if err != nil {
		return nil, fmt.Errorf("update: inactive slot: %w", err)
	}
	slot, err := install.OpenSlot(target)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	running, err := u.partition(bootstate.SlotLabel(u.slots.Inactive().Other()))
	if err != nil {
		slot.Close()
		return nil, fmt.Errorf("update: running slot: %w", err)
	}
	base, err := os.Open(running)
	if err != nil {
		slot.Close()
		return nil, fmt.Errorf("update: %w", err)
	}
	installed, err := u.runningArtefacts(base)
	if err != nil {
		u.log.Warn("running slot not measured: delta bundles will be refused", "err", err)
	}
	in, err := install.New(install.Config{
		Keyring: u.keyring, Product: "payterm", Board: u.board, Version: version.Firmware(), Floor: u.slots.Floor(),
		Installed: installed, Now: u.now, Target: slot, Base: base, StateDir: u.stateDir,
		Codecs: []bundle.DeltaCodec{codec}, Bundle: cmp.Or(bundleID, "none"), Size: size,
	})
	if err != nil {
		slot.Close()
		base.Close()
		return nil, fmt.Errorf("update: %w", err)
	}
	return &slotSink{Installer: in, files: []io.Closer{slot, base}}, nil
}

// install stages the verified slot and restarts into it; the receiver
// calls it in the engine loop while the checkout is idle.
func (u *slotUpdates) install(m manifest.Manifest) error {
	if err := u.saveSlotRecord(u.slots.Inactive(), m.Artefacts); err != nil {
		u.log.Warn("installed slot not recorded: a delta against it will hash it first", "err", err)
	}
	if err := u.slots.TryNext(m.Version, m.MinVersion); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	u.slots.restart("update " + m.Version + " installed")
	return nil
}

// runningArtefacts is the running slot as an artefact (name, size,
// SHA-256), which a delta's base must match. The slot image's size is
// its FAT file system's (SlotImage sizes the file system to the image).
func (u *slotUpdates) runningArtefacts(base io.ReaderAt) ([]manifest.Artefact, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.installed != nil {
		return u.installed, nil
	}
	running := u.slots.Inactive().Other()
	if b, err := os.ReadFile(u.slotRecord(running)); err == nil {
		var rec []manifest.Artefact
		if json.Unmarshal(b, &rec) == nil && len(rec) == 1 && rec[0].Name == slotArtefact {
			u.installed = rec
			return rec, nil
		}
	}
	size, err := fatSize(base)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(base, 0, size)); err != nil {
		return nil, fmt.Errorf("hash running slot: %w", err)
	}
	u.installed = []manifest.Artefact{{Name: slotArtefact, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}}
	if err := u.saveSlotRecord(running, u.installed); err != nil {
		u.log.Warn("running slot not recorded", "err", err)
	}
	return u.installed, nil
}

// slotRecord is the file naming what slot holds (its artefacts as
// installed), so the slot is hashed at most once: the first offer after
// a boot would otherwise read the whole running slot (seconds on a
// terminal) before it answers. A record that lies only makes a delta's
// result fail its SHA-256 at Finish; nothing wrong is ever staged.
func (u *slotUpdates) slotRecord(slot bootselect.Slot) string {
	return filepath.Join(filepath.Dir(u.stateDir), "slot-"+slot.String()+".json")
}

func (u *slotUpdates) saveSlotRecord(slot bootselect.Slot, arts []manifest.Artefact) error {
	held := make([]manifest.Artefact, len(arts))
	for i, a := range arts { // what lies in the slot, not how it travelled
		held[i] = manifest.Artefact{Name: a.Name, Size: a.Size, SHA256: a.SHA256}
	}
	b, err := json.Marshal(held)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(u.slotRecord(slot), b, 0o600)
}

// fatSize reads a FAT file system's size from its boot sector: bytes
// per sector × total sectors (the 16-bit count, or the 32-bit one).
func fatSize(r io.ReaderAt) (int64, error) {
	var bs [512]byte
	if _, err := r.ReadAt(bs[:], 0); err != nil {
		return 0, fmt.Errorf("slot boot sector: %w", err)
	}
	if bs[510] != 0x55 || bs[511] != 0xaa {
		return 0, errors.New("slot holds no FAT file system")
	}
	sector := int64(binary.LittleEndian.Uint16(bs[11:]))
	total := int64(binary.LittleEndian.Uint16(bs[19:]))
	if total == 0 {
		total = int64(binary.LittleEndian.Uint32(bs[32:]))
	}
	if sector < 512 || total == 0 {
		return 0, fmt.Errorf("slot FAT: %d sectors of %d bytes", total, sector)
	}
	return sector * total, nil
}

// slotSink is the installer with the slot files it closes when done.
type slotSink struct {
	*install.Installer
	files []io.Closer
}

func (s *slotSink) Finish() (manifest.Manifest, error) {
	m, err := s.Installer.Finish()
	s.close()
	return m, err
}

func (s *slotSink) Abort() error {
	err := s.Installer.Abort()
	s.close()
	return err
}

func (s *slotSink) close() {
	for _, f := range s.files {
		f.Close()
	}
	s.files = nil
}

// newSlotUpdates is the update path when the terminal has boot slots
// and update keys; nil (updates refused, version still reported)
// otherwise, logged.
func newSlotUpdates(cfg config, slots *bootSlots, board string, partition func(string) (string, error), log *slog.Logger) *slotUpdates {
	if slots == nil {
		return nil
	}
	kr, err := cfg.updateKeyring()
	if err != nil || kr == nil {
		log.Warn("no update keys configured (update_keys): firmware updates are refused", "err", err)
		return nil
	}
	return &slotUpdates{slots: slots, keyring: kr, board: board, partition: partition,
		stateDir: filepath.Join(cfg.DataDir, "update", "install"), now: time.Now, log: log}
}
