package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"payterm/internal/version"
	"payterm/update/bootselect"
	"payterm/update/bootstate"
	"payterm/update/bundle/bundletest"
	"payterm/update/install"
	"payterm/update/manifest"
)

// An update through the firmware's real path on file-backed partitions:
// opening it takes the inactive slot out of the boot order before a
// byte is written; the transfer cut half-way resumes in a new installer
// (a terminal restart) from its durable offset; the finished slot holds
// the image, is staged on trial with its version, and the terminal asks
// for the restart into it.
func TestSlotUpdatesInstall(t *testing.T) {
	running := version.Firmware()
	store := slotsStore(t, bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: 3, BLeft: 3,
		AVersion: running, BVersion: "0.1.0"})
	var restarts []string
	slots, err := newBootSlots(store, "1", running, slog.New(slog.DiscardHandler), func(why string) { restarts = append(restarts, why) })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	parts := map[string]string{bootstate.LabelA: filepath.Join(dir, "a"), bootstate.LabelB: filepath.Join(dir, "b")}
	if err := os.WriteFile(parts[bootstate.LabelA], fakeFAT(2<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(parts[bootstate.LabelB], make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	kr, err := manifest.NewKeyring(manifest.TrustedKey{Name: "test", Public: bundletest.Key().Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	u := &slotUpdates{slots: slots, keyring: kr, board: "qemu-virt", stateDir: filepath.Join(dir, "state"), now: time.Now,
		log: slog.New(slog.DiscardHandler), partition: func(label string) (string, error) { return parts[label], nil }}
	path, _, image := bundletest.Write(t, "99.1.0", 3<<20, "qemu-virt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	id := hex.EncodeToString(func() []byte { h := sha256.Sum256(b); return h[:] }())

	// A POS offering a truncated copy of the file (its size is the cut
	// file's): refused once the manifest is in, before a frame is written.
	cut := b[:len(b)-100]
	sink, err := u.open("cut-copy", int64(len(cut)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.Write(cut); !errors.Is(err, install.ErrTruncated) {
		t.Fatalf("truncated bundle written: %v", err)
	}
	sink.Abort()
	if got, _ := os.ReadFile(parts[bootstate.LabelB]); !bytes.Equal(got, make([]byte, len(got))) {
		t.Fatal("a truncated bundle reached slot B")
	}

	sink, err = u.open(id, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := store.State(); err != nil || st.BLeft != 0 {
		t.Fatalf("slot B during the install: %+v, %v; want 0 tries", st, err)
	}
	if _, err := sink.Write(b[:len(b)/2]); err != nil {
		t.Fatal(err)
	}
	sink.(*slotSink).close() // the terminal restarts mid-transfer

	sink, err = u.open(id, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	from := sink.Offset()
	if from <= 0 || from > int64(len(b)/2) {
		t.Fatalf("resumed at %d of %d", from, len(b))
	}
	if _, err := sink.Write(b[from:]); err != nil {
		t.Fatal(err)
	}
	m, err := sink.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if err := u.install(m); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(parts[bootstate.LabelB])
	if !bytes.Equal(got[:len(image)], image) {
		t.Fatal("slot B does not hold the bundle's image")
	}
	st, err := store.State()
	if err != nil || st.Trial != bootselect.B || st.BVersion != "99.1.0" || st.BLeft == 0 || st.Order[0] != bootselect.B {
		t.Fatalf("boot state after the install: %+v, %v; want B first, on trial, 99.1.0", st, err)
	}
	if len(restarts) != 1 {
		t.Fatalf("restarts asked: %q, want one", restarts)
	}
	// Both slots are recorded: A as measured at the first offer, B as
	// installed; the next boot's first offer hashes nothing.
	sumA := sha256.Sum256(fakeFAT(2 << 20))
	for slot, want := range map[bootselect.Slot]manifest.Artefact{
		bootselect.A: {Name: slotArtefact, Size: 2 << 20, SHA256: hex.EncodeToString(sumA[:])},
		bootselect.B: {Name: slotArtefact, Size: m.Artefacts[0].Size, SHA256: m.Artefacts[0].SHA256},
	} {
		b, err := os.ReadFile(u.slotRecord(slot))
		var rec []manifest.Artefact
		if err != nil || json.Unmarshal(b, &rec) != nil || len(rec) != 1 || !reflect.DeepEqual(rec[0], want) {
			t.Errorf("slot %s record %s (%v), want %+v", slot, b, err, want)
		}
	}
	// Another offer overwrites B: its record goes first.
	sink, err = u.open("next", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sink.Abort()
	if _, err := os.Stat(u.slotRecord(bootselect.B)); !os.IsNotExist(err) {
		t.Errorf("slot B record kept while B is rewritten: %v", err)
	}
}

// fakeFAT is size bytes whose boot sector gives the FAT size fatSize
// reads.
func fakeFAT(size int) []byte {
	b := make([]byte, size)
	binary.LittleEndian.PutUint16(b[11:], 512)
	binary.LittleEndian.PutUint32(b[32:], uint32(size/512))
	b[510], b[511] = 0x55, 0xaa
	return b
}

func TestFATSize(t *testing.T) {
	if n, err := fatSize(bytes.NewReader(fakeFAT(3 << 20))); err != nil || n != 3<<20 {
		t.Fatalf("fatSize = %d, %v", n, err)
	}
	if _, err := fatSize(bytes.NewReader(make([]byte, 4096))); err == nil {
		t.Fatal("no FAT measured")
	}
}
