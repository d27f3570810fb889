package bootselect

import (
	"errors"
	"maps"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		want State
		err  bool
	}{
		{"absent: default", map[string]string{}, Default(), false},
		{"B first", map[string]string{VarOrder: "B A", VarALeft: "3", VarBLeft: "1"}, State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 1}, false},
		{"one slot", map[string]string{VarOrder: "A", VarALeft: "0"}, State{Order: [2]Slot{A}, ALeft: 0, BLeft: Tries}, false},
		{"extra spaces", map[string]string{VarOrder: " B  A "}, State{Order: [2]Slot{B, A}, ALeft: Tries, BLeft: Tries}, false},
		{"empty order", map[string]string{VarOrder: ""}, State{}, true},
		{"unknown slot", map[string]string{VarOrder: "A C"}, State{}, true},
		{"lower case", map[string]string{VarOrder: "a b"}, State{}, true},
		{"repeated slot", map[string]string{VarOrder: "A A"}, State{}, true},
		{"three slots", map[string]string{VarOrder: "A B A"}, State{}, true},
		{"negative tries", map[string]string{VarALeft: "-1"}, State{}, true},
		{"hex tries", map[string]string{VarBLeft: "0x3"}, State{}, true},
		{"too many tries for U-Boot's hex arithmetic", map[string]string{VarBLeft: "10"}, State{}, true},
		{"versions and trial", map[string]string{VarOrder: "B A", VarBLeft: "2", VarAVer: "1.0.0", VarBVer: "1.1.0", VarTrial: "B"},
			State{Order: [2]Slot{B, A}, ALeft: Tries, BLeft: 2, AVersion: "1.0.0", BVersion: "1.1.0", Trial: B}, false},
		{"bad trial", map[string]string{VarTrial: "C"}, State{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.vars)
			if tc.err {
				if !errors.Is(err, ErrBadState) {
					t.Fatalf("err %v, want ErrBadState", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
			}
			back, err := Parse(got.Vars())
			if err != nil || back != got {
				t.Fatalf("Parse(Vars()) = %+v, %v", back, err)
			}
		})
	}
}

func TestVars(t *testing.T) {
	got := State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 0}.Vars()
	want := map[string]string{VarOrder: "B A", VarALeft: "3", VarBLeft: "0"}
	if !maps.Equal(got, want) {
		t.Fatalf("Vars = %q, want %q", got, want)
	}
}

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    State
		want Decision
	}{
		{"first slot with tries", State{Order: [2]Slot{A, B}, ALeft: 3, BLeft: 3},
			Decision{Slot: A, Next: State{Order: [2]Slot{A, B}, ALeft: 2, BLeft: 3}}},
		{"staged B", State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 1},
			Decision{Slot: B, Next: State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 0}}},
		{"B out of tries falls back to A", State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 0},
			Decision{Slot: A, Next: State{Order: [2]Slot{B, A}, ALeft: 2, BLeft: 0}}},
		{"both exhausted", State{Order: [2]Slot{B, A}, ALeft: 0, BLeft: 0},
			Decision{Slot: B, Next: State{Order: [2]Slot{B, A}, ALeft: Tries, BLeft: Tries - 1}, Exhausted: true}},
		{"one slot exhausted, no other in order", State{Order: [2]Slot{A}, ALeft: 0, BLeft: 3},
			Decision{Slot: A, Next: State{Order: [2]Slot{A}, ALeft: Tries - 1, BLeft: Tries}, Exhausted: true}},
		{"zero state boots A", State{},
			Decision{Slot: A, Next: State{ALeft: Tries - 1, BLeft: Tries}, Exhausted: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Decide(); got != tc.want {
				t.Fatalf("Decide = %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		s       State
		running Slot
		want    Booted
	}{
		{"asked slot booted", State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 2}, B,
			Booted{Running: B, Asked: B, Left: 2}},
		{"fell back", State{Order: [2]Slot{B, A}, ALeft: 2, BLeft: 0}, A,
			Booted{Running: A, Asked: B, Rollback: true, Failed: B, Left: 2}},
		{"booted a slot not in the order", State{Order: [2]Slot{A}, ALeft: 3, BLeft: 3}, B,
			Booted{Running: B, Asked: A, Rollback: true, Failed: A, Left: 3}},
		{"trial slot booted", State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 2, AVersion: "1.0.0", BVersion: "1.1.0", Trial: B}, B,
			Booted{Running: B, Version: "1.1.0", Asked: B, Trial: true, Left: 2}},
		{"trial slot fell back, names its version", State{Order: [2]Slot{B, A}, ALeft: 2, BLeft: 0, AVersion: "1.0.0", BVersion: "1.1.0", Trial: B}, A,
			Booted{Running: A, Version: "1.0.0", Asked: B, Rollback: true, Failed: B, FailedVersion: "1.1.0", Left: 2}},
		{"later boot still reports the failed slot", State{Order: [2]Slot{A, B}, ALeft: 2, BLeft: 0, AVersion: "1.0.0", BVersion: "1.1.0"}, A,
			Booted{Running: A, Version: "1.0.0", Asked: A, Failed: B, FailedVersion: "1.1.0", Left: 2}},
		{"fresh image: empty B with no tries is no failure", State{Order: [2]Slot{A, B}, ALeft: 2, BLeft: 0, AVersion: "1.0.0"}, A,
			Booted{Running: A, Version: "1.0.0", Asked: A, Left: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Check(tc.running); got != tc.want {
				t.Fatalf("Check = %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMarkGoodAndTryNext(t *testing.T) {
	rolledBack := State{Order: [2]Slot{B, A}, ALeft: 2, BLeft: 0}
	if got, want := rolledBack.MarkGood(A), (State{Order: [2]Slot{A, B}, ALeft: Tries, BLeft: 0}); got != want {
		t.Fatalf("MarkGood after rollback = %+v, want %+v", got, want)
	}
	if got, want := Default().TryNext(B, 5), (State{Order: [2]Slot{B, A}, ALeft: Tries, BLeft: 5, Trial: B}); got != want {
		t.Fatalf("TryNext = %+v, want %+v", got, want)
	}
	if got := Default().TryNext(B, 0); got.BLeft != 1 {
		t.Fatalf("TryNext with 0 tries gives %d, want at least 1", got.BLeft)
	}
	if got := Default().TryNext(B, 50); got.BLeft != maxTries {
		t.Fatalf("TryNext with 50 tries gives %d, want %d", got.BLeft, maxTries)
	}
	staged := State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: 2, BVersion: "2", Trial: B}
	if got, want := staged.MarkGood(B), (State{Order: [2]Slot{B, A}, ALeft: 3, BLeft: Tries, BVersion: "2"}); got != want {
		t.Fatalf("MarkGood of the trial slot = %+v, want %+v", got, want)
	}
	if got, want := staged.Invalidate(B), (State{Order: [2]Slot{B, A}, ALeft: 3}); got != want {
		t.Fatalf("Invalidate = %+v, want %+v", got, want)
	}
}

// terminal simulates power-ons: U-Boot decides and saves, then the
// firmware (if the booted slot is healthy) checks and marks it good.
type terminal struct {
	t       *testing.T
	state   State
	healthy map[Slot]bool
}

// powerOn returns the slot that booted and what the firmware saw (zero
// when the slot was broken and never reached the firmware).
func (m *terminal) powerOn() (Slot, Booted, bool) {
	d := m.state.Decide()
	m.state = d.Next // saved before booting
	if !m.healthy[d.Slot] {
		return d.Slot, Booted{}, false
	}
	b := m.state.Check(d.Slot)
	m.state = m.state.MarkGood(d.Slot)
	return d.Slot, b, true
}

func TestLifecycle(t *testing.T) {
	type boot struct {
		slot     Slot
		ok       bool
		rollback Slot // None: no rollback reported
	}
	for _, tc := range []struct {
		name    string
		healthy map[Slot]bool
		update  Slot // staged before the run (None: no update)
		boots   []boot
		end     State
	}{
		{"healthy boots stay on A", map[Slot]bool{A: true, B: true}, None,
			[]boot{{A, true, None}, {A, true, None}, {A, true, None}},
			State{Order: [2]Slot{A, B}, ALeft: Tries, BLeft: Tries}},
		{"update to B is committed", map[Slot]bool{A: true, B: true}, B,
			[]boot{{B, true, None}, {B, true, None}},
			State{Order: [2]Slot{B, A}, ALeft: Tries, BLeft: Tries}},
		{"broken B rolls back to A after its tries", map[Slot]bool{A: true}, B,
			[]boot{{B, false, None}, {B, false, None}, {B, false, None}, {A, true, B}, {A, true, None}},
			State{Order: [2]Slot{A, B}, ALeft: Tries, BLeft: 0}},
		{"both broken: counters reset, cycle", map[Slot]bool{}, None,
			[]boot{{A, false, None}, {A, false, None}, {A, false, None}, {B, false, None}, {B, false, None}, {B, false, None}, {A, false, None}},
			State{Order: [2]Slot{A, B}, ALeft: Tries - 1, BLeft: Tries}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &terminal{t: t, state: Default(), healthy: tc.healthy}
			if tc.update != None {
				m.state = m.state.TryNext(tc.update, Tries)
			}
			for i, want := range tc.boots {
				slot, b, ok := m.powerOn()
				if slot != want.slot || ok != want.ok {
					t.Fatalf("boot %d: slot %v ok %v, want %v %v", i, slot, ok, want.slot, want.ok)
				}
				if ok && (b.Rollback != (want.rollback != None) || b.Failed != want.rollback) {
					t.Fatalf("boot %d: %+v, want rollback of %v", i, b, want.rollback)
				}
			}
			if m.state != tc.end {
				t.Fatalf("end state %+v, want %+v", m.state, tc.end)
			}
		})
	}
}

// TestABACycle: A→B, then B→A, each committed; then a broken update from
// A falls back to A and a later good one still goes through.
func TestABACycle(t *testing.T) {
	m := &terminal{t: t, state: Default(), healthy: map[Slot]bool{A: true, B: true}}
	running := A
	for i := 0; i < 4; i++ {
		target := running.Other()
		m.state = m.state.TryNext(target, Tries)
		slot, b, ok := m.powerOn()
		if slot != target || !ok || b.Rollback {
			t.Fatalf("update %d to %v: booted %v ok %v %+v", i, target, slot, ok, b)
		}
		running = slot
	}
	if running != A {
		t.Fatalf("after four updates running %v, want A", running)
	}
	m.healthy[B] = false
	m.state = m.state.TryNext(B, 2)
	for i := 0; i < 2; i++ {
		if slot, _, ok := m.powerOn(); slot != B || ok {
			t.Fatalf("broken B attempt %d: %v %v", i, slot, ok)
		}
	}
	slot, b, ok := m.powerOn()
	if slot != A || !ok || !b.Rollback || b.Failed != B {
		t.Fatalf("after broken B: %v %v %+v, want A with rollback of B", slot, ok, b)
	}
	m.healthy[B] = true
	m.state = m.state.TryNext(B, Tries)
	if slot, b, ok := m.powerOn(); slot != B || !ok || b.Rollback {
		t.Fatalf("fixed B: %v %v %+v", slot, ok, b)
	}
}

// FuzzParse: Parse never panics, and what it accepts survives Vars.
func FuzzParse(f *testing.F) {
	f.Add("A B", "3", "3", "1.0.0", "")
	f.Add("B", "0", "x", "", "B")
	f.Fuzz(func(t *testing.T, order, a, b, ver, trial string) {
		s, err := Parse(map[string]string{VarOrder: order, VarALeft: a, VarBLeft: b, VarAVer: ver, VarTrial: trial})
		if err != nil {
			return
		}
		back, err := Parse(s.Vars())
		if err != nil || back != s {
			t.Fatalf("%+v → %q → %+v, %v", s, s.Vars(), back, err)
		}
		d := s.Decide()
		if d.Slot == None || d.Next.Left(d.Slot) >= max(s.Left(d.Slot), 1) && !d.Exhausted {
			t.Fatalf("Decide(%+v) = %+v", s, d)
		}
	})
}
