package bootenv

import (
	"errors"
	"maps"
	"math/rand/v2"
	"testing"
)

func testPair() Pair {
	return Pair{Size: testSize, Offsets: [2]int64{16, 16 + 2*testSize}, SeqVar: "SEQ"}
}

// without returns vars without the sequence variable.
func without(vars map[string]string, name string) map[string]string {
	m := maps.Clone(vars)
	delete(m, name)
	return m
}

func TestPairCurrent(t *testing.T) {
	for _, tc := range []struct {
		valid  [2]bool
		seq    [2]uint64
		want   int
		wantOK bool
	}{
		{[2]bool{false, false}, [2]uint64{1, 2}, 0, false},
		{[2]bool{true, false}, [2]uint64{1, 2}, 0, true},
		{[2]bool{false, true}, [2]uint64{5, 2}, 1, true},
		{[2]bool{true, true}, [2]uint64{1, 2}, 1, true},
		{[2]bool{true, true}, [2]uint64{3, 2}, 0, true},
		{[2]bool{true, true}, [2]uint64{2, 2}, 0, true},
	} {
		c, ok := PairCurrent(tc.valid, tc.seq)
		if c != tc.want || ok != tc.wantOK {
			t.Errorf("PairCurrent(%v, %v) = %d, %v; want %d, %v", tc.valid, tc.seq, c, ok, tc.want, tc.wantOK)
		}
	}
}

func TestPairWriteAlternatesAndCounts(t *testing.T) {
	p := testPair()
	d := newDevice(16+3*testSize, 0)
	if _, err := p.Read(d); !errors.Is(err, ErrNoEnv) {
		t.Fatalf("blank device: %v, want ErrNoEnv", err)
	}
	for i := range 20 {
		env, err := p.Write(d, gen(i))
		if err != nil {
			t.Fatal(err)
		}
		if env.Copy != i%2 {
			t.Fatalf("write %d went to copy %d", i, env.Copy)
		}
		got, err := p.Read(d)
		if err != nil || !maps.Equal(without(got.Vars, "SEQ"), gen(i)) || got.Vars["SEQ"] != env.Vars["SEQ"] {
			t.Fatalf("after write %d: %v %v", i, got.Vars, err)
		}
	}
	if got, _ := p.Read(d); got.Vars["SEQ"] != "14" { // 20 in hex
		t.Fatalf("sequence %q after 20 writes, want 14 (hex)", got.Vars["SEQ"])
	}
}

// TestPairPowerCut cuts the power after every byte count of a write,
// with the unwritten part of the range left as it was or garbled: Read
// then returns the environment before the write or the one written,
// never anything else, and a later write (the next boot's) works.
func TestPairPowerCut(t *testing.T) {
	p := testPair()
	for _, garble := range []bool{false, true} {
		for prior := 1; prior <= 3; prior++ { // which copy is current, and a blank other copy
			base := newDevice(16+3*testSize, 0)
			for i := range prior {
				if _, err := p.Write(base, gen(i)); err != nil {
					t.Fatal(err)
				}
			}
			before := gen(prior - 1)
			after := gen(100)
			for cut := 0; cut <= testSize; cut++ {
				d := &device{b: append([]byte(nil), base.b...), budget: cut}
				if garble {
					d.garble = rand.New(rand.NewPCG(uint64(cut), 7))
				}
				_, werr := p.Write(d, after)
				got, err := p.Read(d)
				if err != nil {
					t.Fatalf("garble %v, prior %d, cut at %d: %v", garble, prior, cut, err)
				}
				vars := without(got.Vars, "SEQ")
				switch {
				case maps.Equal(vars, after):
				case maps.Equal(vars, before):
					if werr == nil {
						t.Fatalf("cut at %d: write reported success but the old environment is current", cut)
					}
				default:
					t.Fatalf("garble %v, prior %d, cut at %d: read %q", garble, prior, cut, vars)
				}
				d.budget = -1
				if _, err := p.Write(d, gen(7)); err != nil {
					t.Fatal(err)
				}
				if got, err := p.Read(d); err != nil || !maps.Equal(without(got.Vars, "SEQ"), gen(7)) {
					t.Fatalf("cut at %d, then a whole write: %v %v", cut, got.Vars, err)
				}
			}
		}
	}
}

func TestPairImageMatchesWrite(t *testing.T) {
	p := testPair()
	d := newDevice(16+3*testSize, 0)
	if _, err := p.Write(d, gen(3)); err != nil {
		t.Fatal(err)
	}
	img, err := p.Image(gen(3), 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(img) != string(d.b[16:16+testSize]) {
		t.Fatal("Image differs from what Write stored")
	}
}

func TestPairLayoutErrors(t *testing.T) {
	for _, p := range []Pair{
		{Size: testSize, Offsets: [2]int64{0, testSize}},
		{Size: testSize, Offsets: [2]int64{0, 1}, SeqVar: "S"},
		{Size: 2, Offsets: [2]int64{0, 16}, SeqVar: "S"},
	} {
		if _, err := p.Read(newDevice(1024, 0)); !errors.Is(err, ErrLayout) {
			t.Errorf("%+v: %v, want ErrLayout", p, err)
		}
	}
}
