// Package bootstate is the firmware's I/O for the A/B boot state: the
// two copies of the boot environment in the disk's "bootenv" partition
// (bootenv.Pair), read and written as bootselect's State. The boot
// script reads and writes the same copies (rootfs/bootscr.go), so the
// layout here is the contract between them.
package bootstate

import (
	"errors"
	"fmt"
	"io"
	"os"

	"payterm/update/bootenv"
	"payterm/update/bootselect"
)

// Disk layout, shared with the boot script and the image builder.
const (
	// PartitionLabel is the GPT name of the partition holding the copies.
	PartitionLabel = "bootenv"
	// CopySize is the bytes of one copy: 8 sectors, of which the state
	// uses the first.
	CopySize = 4096
	// Copy1Offset is where the second copy starts in the partition (the
	// first starts at 0): apart, so one failing sector range does not
	// take both.
	Copy1Offset = 64 << 10
	// SeqVar orders the copies: hex, incremented by each write.
	SeqVar = "BOOT_SEQ"
)

// Slot partitions: slot A is partition 1, slot B partition 2; the boot
// script passes the number as payterm.slot.
const (
	LabelA = "boot"
	LabelB = "boot-b"
)

// Layout is the two copies' places in the partition.
func Layout() bootenv.Pair {
	return bootenv.Pair{Size: CopySize, Offsets: [2]int64{0, Copy1Offset}, SeqVar: SeqVar}
}

// SlotOfPartition is the slot booted from partition number n ("1", "2",
// as payterm.slot says).
func SlotOfPartition(n string) (bootselect.Slot, error) {
	switch n {
	case "1":
		return bootselect.A, nil
	case "2":
		return bootselect.B, nil
	}
	return bootselect.None, fmt.Errorf("bootstate: slot partition %.10q: %w", n, bootselect.ErrBadState)
}

// SlotLabel is the GPT name of slot's partition ("" for None).
func SlotLabel(slot bootselect.Slot) string {
	switch slot {
	case bootselect.A:
		return LabelA
	case bootselect.B:
		return LabelB
	}
	return ""
}

// Device is the partition (or a file standing in for it). If it also has
// Sync() error, each step of a write is synced before the next.
type Device = bootenv.ReadWriterAt

// Store reads and writes the boot state on a Device. Its methods are not
// safe for concurrent use; the firmware has one writer at a time (the
// boot check, then the update path).
type Store struct {
	dev Device
}

// New is a Store on dev.
func New(dev Device) *Store { return &Store{dev: dev} }

// Open opens the partition (or file) at path for reading and writing;
// close it when done.
func Open(path string) (*Store, io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("bootstate: %w", err)
	}
	return New(f), f, nil
}

// OpenInDisk opens the partition starting at byte offset off of the disk
// image at path (host tools and tests).
func OpenInDisk(path string, off int64) (*Store, io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("bootstate: %w", err)
	}
	return New(section{f, off}), f, nil
}

type section struct {
	f   *os.File
	off int64
}

func (s section) ReadAt(p []byte, off int64) (int, error)  { return s.f.ReadAt(p, s.off+off) }
func (s section) WriteAt(p []byte, off int64) (int, error) { return s.f.WriteAt(p, s.off+off) }
func (s section) Sync() error                              { return s.f.Sync() }

// State reads the current state. With no valid copy, or a state that
// does not parse, it returns bootselect.Default() and an error wrapping
// bootenv.ErrNoEnv or bootselect.ErrBadState: the boot script then
// starts over from the default too.
func (s *Store) State() (bootselect.State, error) {
	env, err := Layout().Read(s.dev)
	if err != nil {
		return bootselect.Default(), fmt.Errorf("bootstate: %w", err)
	}
	st, err := bootselect.Parse(env.Vars)
	if err != nil {
		return bootselect.Default(), fmt.Errorf("bootstate: copy %d: %w", env.Copy, err)
	}
	return st, nil
}

// Write stores st whole (into the older copy: a power cut leaves the
// previous state or st).
func (s *Store) Write(st bootselect.State) error {
	if _, err := Layout().Write(s.dev, st.Vars()); err != nil {
		return fmt.Errorf("bootstate: %w", err)
	}
	return nil
}

// update applies f to the current state (the default when none is
// readable: an update must still be able to stage a slot) and writes it.
func (s *Store) update(f func(bootselect.State) bootselect.State) (bootselect.State, error) {
	st, err := s.State()
	if err != nil && !errors.Is(err, bootenv.ErrNoEnv) && !errors.Is(err, bootselect.ErrBadState) {
		return st, err
	}
	next := f(st)
	return next, s.Write(next)
}

// Check is the firmware's first look at the boot: what the state says
// about the running slot (see bootselect.Booted), and the state itself.
func (s *Store) Check(running bootselect.Slot) (bootselect.Booted, bootselect.State, error) {
	st, err := s.State()
	return st.Check(running), st, err
}

// MarkGood commits the running slot after its self-check passed: first
// in the order, full tries, no longer on trial, version recorded.
func (s *Store) MarkGood(running bootselect.Slot, version string) error {
	_, err := s.update(func(st bootselect.State) bootselect.State {
		return st.MarkGood(running).WithVersion(running, version)
	})
	return err
}

// Invalidate marks slot unbootable before an update starts writing it
// (no tries, no version), so a power cut mid-install never leaves a
// half-written slot that a fallback could boot.
func (s *Store) Invalidate(slot bootselect.Slot) error {
	_, err := s.update(func(st bootselect.State) bootselect.State { return st.Invalidate(slot) })
	return err
}

// TryNext stages slot after an update wrote version into it: the next
// power-on boots it first, with tries attempts (bootselect.Tries when 0),
// falling back to the running slot when they run out.
func (s *Store) TryNext(slot bootselect.Slot, version string, tries int) error {
	if tries == 0 {
		tries = bootselect.Tries
	}
	_, err := s.update(func(st bootselect.State) bootselect.State {
		return st.TryNext(slot, tries).WithVersion(slot, version)
	})
	return err
}
