package bootstate

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"payterm/update/bootenv"
	"payterm/update/bootselect"
)

// partitionFile is a blank bootenv partition in a file.
func partitionFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bootenv")
	if err := os.WriteFile(p, make([]byte, 512<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUpdateCycle runs the firmware's side of two updates against the
// file, with U-Boot's part (Decide, save) done between: A→B committed,
// then a failing B→A that falls back to B, which names the failed version.
func TestUpdateCycle(t *testing.T) {
	s, c, err := Open(partitionFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := s.State(); !errors.Is(err, bootenv.ErrNoEnv) {
		t.Fatalf("blank partition: %v, want ErrNoEnv", err)
	}
	powerOn := func() bootselect.Slot {
		st, _ := s.State()
		d := st.Decide()
		if err := s.Write(d.Next); err != nil {
			t.Fatal(err)
		}
		return d.Slot
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Write(bootselect.State{Order: [2]bootselect.Slot{bootselect.A, bootselect.B}, ALeft: 3, AVersion: "1.0.0"}))
	if got := powerOn(); got != bootselect.A {
		t.Fatalf("fresh image booted %v", got)
	}
	must(s.MarkGood(bootselect.A, "1.0.0"))
	must(s.Invalidate(bootselect.B))
	must(s.TryNext(bootselect.B, "1.1.0", 0))
	if got := powerOn(); got != bootselect.B {
		t.Fatalf("staged B, booted %v", got)
	}
	b, _, err := s.Check(bootselect.B)
	if err != nil || !b.Trial || b.Rollback || b.Version != "1.1.0" {
		t.Fatalf("B's check: %+v %v", b, err)
	}
	must(s.MarkGood(bootselect.B, "1.1.0"))
	if got := powerOn(); got != bootselect.B {
		t.Fatalf("committed B, booted %v", got)
	}
	// The next update goes to A; it never passes its self-check.
	must(s.Invalidate(bootselect.A))
	must(s.TryNext(bootselect.A, "1.2.0", 2))
	for i := range 2 {
		if got := powerOn(); got != bootselect.A {
			t.Fatalf("attempt %d of A booted %v", i, got)
		}
	}
	if got := powerOn(); got != bootselect.B {
		t.Fatalf("A out of tries, booted %v", got)
	}
	b, _, err = s.Check(bootselect.B)
	if err != nil || !b.Rollback || b.Failed != bootselect.A || b.FailedVersion != "1.2.0" || b.Version != "1.1.0" {
		t.Fatalf("after the rollback: %+v %v", b, err)
	}
	must(s.MarkGood(bootselect.B, "1.1.0"))
	b, _, _ = s.Check(bootselect.B)
	if b.Rollback || b.Failed != bootselect.A || b.FailedVersion != "1.2.0" {
		t.Fatalf("a later boot: %+v, want the failed version still reported", b)
	}
}

func TestSlotOfPartition(t *testing.T) {
	for in, want := range map[string]bootselect.Slot{"1": bootselect.A, "2": bootselect.B, "3": bootselect.None, "": bootselect.None} {
		got, err := SlotOfPartition(in)
		if got != want || (err == nil) != (want != bootselect.None) {
			t.Errorf("SlotOfPartition(%q) = %v, %v", in, got, err)
		}
	}
	if SlotLabel(bootselect.A) != LabelA || SlotLabel(bootselect.B) != LabelB {
		t.Error("slot labels")
	}
}
