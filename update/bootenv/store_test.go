package bootenv

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// device is storage in memory. After budget bytes (when budget >= 0) the
// power is cut: the write in progress keeps its first bytes, the rest of
// its range becomes garbage (a half-programmed sector) when garble is
// set, and every later write fails. A one-byte write is atomic, as on
// flash and block storage.
type device struct {
	b      []byte
	budget int
	garble *rand.Rand
	syncs  int
}

var errPowerCut = errors.New("power cut")

func (d *device) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > int64(len(d.b)) {
		return 0, fmt.Errorf("read past end")
	}
	return copy(p, d.b[off:]), nil
}

func (d *device) WriteAt(p []byte, off int64) (int, error) {
	if d.budget < 0 {
		return copy(d.b[off:], p), nil
	}
	n := min(d.budget, len(p))
	copy(d.b[off:], p[:n])
	d.budget -= n
	if n == len(p) {
		return n, nil
	}
	if d.garble != nil && len(p) > 1 {
		for i := off + int64(n); i < off+int64(len(p)); i++ {
			d.b[i] = byte(d.garble.UintN(256))
		}
	}
	d.budget = 0
	return n, errPowerCut
}

func (d *device) Sync() error { d.syncs++; return nil }

func newDevice(size int, fill byte) *device {
	return &device{b: bytes.Repeat([]byte{fill}, size), budget: -1}
}

const testSize = 128

func layouts() map[string]Layout {
	return map[string]Layout{
		"counter":                               {Size: testSize, Offset: 16, Redundant: true, RedundOffset: 16 + testSize},
		"active-obsolete":                       {Size: testSize, Offset: 16, Redundant: true, RedundOffset: 16 + testSize, Scheme: ActiveObsolete},
		"counter, copies swapped in the device": {Size: testSize, Offset: 16 + testSize, Redundant: true, RedundOffset: 16},
	}
}

func gen(i int) map[string]string {
	return map[string]string{"BOOT_ORDER": []string{"A B", "B A"}[i%2], "BOOT_A_LEFT": fmt.Sprint(i % 4), "n": fmt.Sprint(i)}
}

func TestCurrent(t *testing.T) {
	for _, tc := range []struct {
		s      Scheme
		valid  [2]bool
		flags  [2]byte
		want   int
		wantOK bool
	}{
		{Counter, [2]bool{false, false}, [2]byte{1, 2}, 0, false},
		{Counter, [2]bool{true, false}, [2]byte{1, 2}, 0, true},
		{Counter, [2]bool{false, true}, [2]byte{2, 1}, 1, true},
		{Counter, [2]bool{true, true}, [2]byte{1, 2}, 1, true},
		{Counter, [2]bool{true, true}, [2]byte{3, 2}, 0, true},
		{Counter, [2]bool{true, true}, [2]byte{255, 0}, 1, true},
		{Counter, [2]bool{true, true}, [2]byte{0, 255}, 0, true},
		{Counter, [2]bool{true, true}, [2]byte{254, 255}, 1, true},
		{Counter, [2]bool{true, true}, [2]byte{1, 1}, 0, true},
		{ActiveObsolete, [2]bool{false, false}, [2]byte{1, 0}, 0, false},
		{ActiveObsolete, [2]bool{false, true}, [2]byte{1, 0}, 1, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{1, 0}, 0, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{0, 1}, 1, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{1, 1}, 0, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{0xff, 0}, 0, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{0, 0xff}, 1, true},
		{ActiveObsolete, [2]bool{true, true}, [2]byte{3, 7}, 0, false},
	} {
		c, ok := Current(tc.s, tc.valid, tc.flags)
		if c != tc.want && ok || ok != tc.wantOK {
			t.Errorf("Current(%d, %v, %v) = %d, %v; want %d, %v", tc.s, tc.valid, tc.flags, c, ok, tc.want, tc.wantOK)
		}
	}
}

func TestWriteAlternatesCopies(t *testing.T) {
	for name, l := range layouts() {
		t.Run(name, func(t *testing.T) {
			d := newDevice(16+2*testSize, 0xff)
			if _, err := Read(d, l); !errors.Is(err, ErrNoEnv) {
				t.Fatalf("erased device: %v, want ErrNoEnv", err)
			}
			// 300 writes wrap the counter past 255.
			for i := 0; i < 300; i++ {
				w, err := Write(d, l, gen(i))
				if err != nil {
					t.Fatal(err)
				}
				r, err := Read(d, l)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(r.Vars, gen(i)) || r.Copy != w.Copy || r.Flags != w.Flags {
					t.Fatalf("write %d: read %+v, wrote %+v", i, r, w)
				}
				if r.Copy != i%2 {
					t.Fatalf("write %d went to copy %d", i, r.Copy)
				}
			}
		})
	}
}

func TestSingleCopy(t *testing.T) {
	l := Layout{Size: testSize, Offset: 8}
	d := newDevice(8+testSize, 0)
	if _, err := Write(d, l, gen(1)); err != nil {
		t.Fatal(err)
	}
	r, err := Read(d, l)
	if err != nil || !maps.Equal(r.Vars, gen(1)) || r.Copy != 0 {
		t.Fatalf("Read = %+v, %v", r, err)
	}
	if d.syncs == 0 {
		t.Fatal("Write did not sync")
	}
}

// TestPowerCut cuts the power after every byte count of a Write, with
// the interrupted write's tail kept, erased or garbage: the environment
// read afterwards is the old one or the new one, whole, and the next
// write succeeds.
func TestPowerCut(t *testing.T) {
	for name, l := range layouts() {
		for _, garble := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/garble=%v", name, garble), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				for step := 0; step < 4; step++ {
					base := newDevice(16+2*testSize, 0xff)
					for i := 0; i <= step; i++ {
						if _, err := Write(base, l, gen(i)); err != nil {
							t.Fatal(err)
						}
					}
					old, next := gen(step), gen(step+1)
					for cut := 0; ; cut++ {
						d := &device{b: bytes.Clone(base.b), budget: cut}
						if garble {
							d.garble = rng
						}
						_, werr := Write(d, l, next)
						r, err := Read(d, l)
						if err != nil {
							t.Fatalf("step %d cut at byte %d: %v", step, cut, err)
						}
						if !maps.Equal(r.Vars, old) && !maps.Equal(r.Vars, next) {
							t.Fatalf("step %d cut at byte %d: read %q", step, cut, r.Vars)
						}
						if werr == nil {
							if !maps.Equal(r.Vars, next) {
								t.Fatalf("step %d: complete write reads %q", step, r.Vars)
							}
							break
						}
						d.budget = -1
						if _, err := Write(d, l, gen(99)); err != nil {
							t.Fatal(err)
						}
						if r, err := Read(d, l); err != nil || !maps.Equal(r.Vars, gen(99)) {
							t.Fatalf("write after a cut: %q, %v", r.Vars, err)
						}
					}
				}
			})
		}
	}
}

// TestDamagedCopy damages one copy of a written pair at every offset,
// by a bit flip or by erasing it from there on: a damaged copy is never
// read, the other one is.
func TestDamagedCopy(t *testing.T) {
	for name, l := range layouts() {
		t.Run(name, func(t *testing.T) {
			base := newDevice(16+2*testSize, 0xff)
			for i := 0; i < 2; i++ {
				if _, err := Write(base, l, gen(i)); err != nil {
					t.Fatal(err)
				}
			}
			content := [2]map[string]string{gen(0), gen(1)} // by copy
			for c := 0; c < 2; c++ {
				start := l.offset(c)
				for off := int64(0); off < testSize; off++ {
					for _, how := range []string{"flip", "erase tail"} {
						d := newDevice(0, 0)
						d.b = bytes.Clone(base.b)
						if how == "flip" {
							d.b[start+off] ^= 0x10
						} else {
							for i := start + off; i < start+testSize; i++ {
								d.b[i] = 0xff
							}
						}
						r, err := Read(d, l)
						if errors.Is(err, ErrNoEnv) && off == 4 && l.Scheme == ActiveObsolete {
							continue // flags neither active nor obsolete: U-Boot too falls back to its default
						}
						if err != nil {
							t.Fatalf("copy %d %s at %d: %v", c, how, off, err)
						}
						want := content[1-c]
						switch {
						case bytes.Equal(d.b, base.b):
							want = content[1] // nothing changed: the newer copy
						case off == 4:
							// The flags byte is outside the CRC: either copy,
							// whole, is a state that was written.
							if maps.Equal(r.Vars, content[c]) {
								want = content[c]
							}
						}
						if !maps.Equal(r.Vars, want) {
							t.Fatalf("copy %d %s at %d: read %q, want %q", c, how, off, r.Vars, want)
						}
					}
				}
			}
		})
	}
}

func TestLayoutRefused(t *testing.T) {
	d := newDevice(1024, 0xff)
	for _, l := range []Layout{
		{Size: 4},
		{Size: 64, Offset: -1},
		{Size: 64, Redundant: true, RedundOffset: 32},
		{Size: 64, Redundant: true, Offset: 64, RedundOffset: 0, Scheme: 9},
	} {
		if _, err := Read(d, l); !errors.Is(err, ErrLayout) {
			t.Errorf("Read %+v: %v, want ErrLayout", l, err)
		}
		if _, err := Write(d, l, gen(0)); !errors.Is(err, ErrLayout) {
			t.Errorf("Write %+v: %v, want ErrLayout", l, err)
		}
	}
}
