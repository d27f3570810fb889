package main

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payterm/update/bootselect"
	"payterm/update/bootstate"
	"payterm/update/floor"
)

// slotsStore is a boot state partition in a file holding st.
func slotsStore(t *testing.T, st bootselect.State) *bootstate.Store {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bootenv")
	if err := os.WriteFile(p, make([]byte, 512<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	s, c, err := bootstate.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := s.Write(st); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBootSlots(t *testing.T) {
	const old, next = "1.0.0", "1.1.0"
	trialB := bootselect.State{Order: [2]bootselect.Slot{bootselect.B, bootselect.A}, ALeft: 3, BLeft: 2, AVersion: old, BVersion: next, Trial: bootselect.B}
	rolledBack := bootselect.State{Order: [2]bootselect.Slot{bootselect.B, bootselect.A}, ALeft: 2, BLeft: 0, AVersion: old, BVersion: next, Trial: bootselect.B}
	for _, tc := range []struct {
		name      string
		state     bootselect.State
		partition string
		version   string
		check     error
		hook      bool
		restart   bool
		log       []string // in the log
		end       bootselect.State
	}{
		{"trial passes: committed", trialB, "2", next, nil, false, false,
			[]string{`msg="boot slot" slot=B version=1.1.0 tries_left=2 trial=true`, `msg="boot slot marked good" slot=B`},
			bootselect.State{Order: [2]bootselect.Slot{bootselect.B, bootselect.A}, ALeft: 3, BLeft: 3, AVersion: old, BVersion: next}},
		{"trial fails: restart, not committed", trialB, "2", next, errors.New("link down"), false, true,
			[]string{`msg="self-check failed" slot=B`, "link down", `msg="restarting: a slot on trial must pass its self-check"`}, trialB},
		{"test hook fails a healthy trial", trialB, "2", next, nil, true, true,
			[]string{"test hook payterm.test.selfcheck=fail"}, trialB},
		{"rollback reported, old slot committed", rolledBack, "1", old, nil, false, false,
			[]string{`msg="update rolled back: the new firmware did not pass its self-check" running=A failed_slot=B failed_version=1.1.0`},
			bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: 3, BLeft: 0, AVersion: old, BVersion: next}},
		{"committed slot failing its check keeps running", bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: 2, AVersion: old}, "1", old,
			errors.New("journal broken"), false, false, []string{`msg="self-check failed"`},
			bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: 2, AVersion: old}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := slotsStore(t, tc.state)
			var logs bytes.Buffer
			restarted := false
			b, err := newBootSlots(store, tc.partition, tc.version, slog.New(slog.NewTextHandler(&logs, nil)), func(string) { restarted = true })
			if err != nil {
				t.Fatal(err)
			}
			b.failHook = tc.hook
			b.selfChecked(tc.check)
			b.selfChecked(tc.check) // a restarted terminal checks again
			if restarted != tc.restart {
				t.Errorf("restarted %v, want %v", restarted, tc.restart)
			}
			for _, want := range tc.log {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, logs.String())
				}
			}
			if got, err := store.State(); err != nil || got != tc.end {
				t.Errorf("state %+v, %v\nwant %+v", got, err, tc.end)
			}
		})
	}
}

// TestBootSlotsUpdate is the update path's calls: invalidate the
// inactive slot, install, stage it.
func TestBootSlotsUpdate(t *testing.T) {
	store := slotsStore(t, bootselect.State{Order: [2]bootselect.Slot{bootselect.B, bootselect.A}, ALeft: 3, BLeft: 2, AVersion: "1.0.0", BVersion: "1.1.0"})
	b, err := newBootSlots(store, "2", "1.1.0", slog.New(slog.DiscardHandler), func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if b.Inactive() != bootselect.A || b.InactiveLabel() != "boot" {
		t.Fatalf("inactive %v %q", b.Inactive(), b.InactiveLabel())
	}
	if err := b.BeginInstall(); err != nil {
		t.Fatal(err)
	}
	if st, _ := store.State(); st.ALeft != 0 || st.AVersion != "" {
		t.Fatalf("after BeginInstall: %+v", st)
	}
	if err := b.TryNext("1.2.0", ""); err != nil {
		t.Fatal(err)
	}
	want := bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: bootselect.Tries, BLeft: 2, AVersion: "1.2.0", BVersion: "1.1.0", Trial: bootselect.A}
	if st, _ := store.State(); st != want {
		t.Fatalf("after TryNext: %+v\nwant %+v", st, want)
	}
	var none *bootSlots
	if none.BeginInstall() == nil || none.TryNext("1", "") == nil || none.Inactive() != bootselect.None {
		t.Fatal("a nil bootSlots accepted an install")
	}
	none.selfChecked(nil)
}

// TestBootSlotsFloor: a release's min_version becomes the floor only when
// its slot is committed running it; one that rolls back leaves the floor,
// and an unreadable record stands the running version in for it.
func TestBootSlotsFloor(t *testing.T) {
	AB, BA := [2]bootselect.Slot{bootselect.A, bootselect.B}, [2]bootselect.Slot{bootselect.B, bootselect.A}
	store := slotsStore(t, bootselect.State{Order: AB, ALeft: 3, AVersion: "1.0.0"})
	dir := filepath.Join(t.TempDir(), "update")
	var logs bytes.Buffer
	boot := func(partition, version string, st bootselect.State) *bootSlots {
		t.Helper()
		if err := store.Write(st); err != nil {
			t.Fatal(err)
		}
		b, err := newBootSlots(store, partition, version, slog.New(slog.NewTextHandler(&logs, nil)), func(string) {})
		if err != nil {
			t.Fatal(err)
		}
		b.floorDir = dir
		return b
	}
	steps := []struct {
		name  string
		run   func() string // the floor after the step
		floor string
	}{
		{"staged, not yet committed", func() string {
			b := boot("1", "1.0.0", bootselect.State{Order: AB, ALeft: 3, AVersion: "1.0.0"})
			if err := b.TryNext("1.1.0", "1.1.0"); err != nil {
				t.Fatal(err)
			}
			return b.Floor()
		}, ""},
		{"the new slot commits: raised", func() string {
			b := boot("2", "1.1.0", bootselect.State{Order: BA, ALeft: 3, BLeft: 2, AVersion: "1.0.0", BVersion: "1.1.0", Trial: bootselect.B})
			b.selfChecked(nil)
			return b.Floor()
		}, "1.1.0"},
		{"next release staged from B", func() string {
			b := boot("2", "1.1.0", bootselect.State{Order: BA, ALeft: 3, BLeft: 3, BVersion: "1.1.0"})
			if err := b.TryNext("1.2.0", "1.2.0"); err != nil {
				t.Fatal(err)
			}
			return b.Floor()
		}, "1.1.0"},
		{"it rolls back: B commits again, floor unchanged", func() string {
			b := boot("2", "1.1.0", bootselect.State{Order: AB, ALeft: 0, BLeft: 2, AVersion: "1.2.0", BVersion: "1.1.0", Trial: bootselect.A})
			b.selfChecked(nil)
			return b.Floor()
		}, "1.1.0"},
		{"record destroyed: the running version stands in", func() string {
			os.WriteFile(filepath.Join(dir, floor.File), []byte("{garbage"), 0o600)
			return boot("2", "1.1.0", bootselect.State{Order: BA, ALeft: 0, BLeft: 3, BVersion: "1.1.0"}).Floor()
		}, "1.1.0"},
	}
	for _, s := range steps {
		if got := s.run(); got != s.floor {
			t.Fatalf("%s: floor %q, want %q\n%s", s.name, got, s.floor, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `msg="update floor raised" floor=1.1.0`) {
		t.Errorf("no log of the raise:\n%s", logs.String())
	}
}
