package bootenv

import (
	"fmt"
	"io"
	"strconv"
)

// Pair is two single copies of an environment, each in the
// non-redundant format (CRC, then the data area; no flags byte), whose
// order is kept by a sequence variable inside the data: the current
// copy is the valid one with the higher sequence, copy 0 on a tie.
//
// It is the layout a U-Boot script can keep by itself where U-Boot's own
// environment has no redundant copy (Debian's qemu_arm64 keeps one copy
// in NOR flash): `${devtype} read` and `env import -c` read a copy,
// `env export -c -s Size` and `${devtype} write` write one. U-Boot's
// `env export -c` pads with zeros, so Pair does too, and setexpr writes
// the sequence in hex without a prefix, so Pair does too.
type Pair struct {
	// Size is the bytes of one copy, CRC included.
	Size int64
	// Offsets are where the two copies start.
	Offsets [2]int64
	// SeqVar is the name of the sequence variable, a hexadecimal number
	// incremented by each write. A valid copy without it (or with a value
	// that is not hex) counts as sequence 0.
	SeqVar string
}

func (p Pair) check() error {
	l := Layout{Size: p.Size, Offset: p.Offsets[0], Redundant: true, RedundOffset: p.Offsets[1]}
	if err := l.check(); err != nil {
		return err
	}
	if p.SeqVar == "" {
		return fmt.Errorf("bootenv: pair without a sequence variable: %w", ErrLayout)
	}
	return nil
}

// seqOf is the sequence of a decoded copy.
func (p Pair) seqOf(vars map[string]string) uint64 {
	n, err := strconv.ParseUint(vars[p.SeqVar], 16, 64)
	if err != nil {
		return 0
	}
	return n
}

// PairCurrent picks the current copy from each copy's validity and
// sequence, as the boot script does: the valid copy with the higher
// sequence, copy 0 on a tie; ok is false when neither copy is valid.
func PairCurrent(valid [2]bool, seq [2]uint64) (copy int, ok bool) {
	switch {
	case !valid[0] && !valid[1]:
		return 0, false
	case !valid[0]:
		return 1, true
	case !valid[1]:
		return 0, true
	case seq[1] > seq[0]:
		return 1, true
	}
	return 0, true
}

// pairState is both copies as read.
type pairState struct {
	vars  [2]map[string]string
	valid [2]bool
	seq   [2]uint64
}

func (p Pair) readBoth(r io.ReaderAt) (pairState, error) {
	var st pairState
	for c := range 2 {
		img := make([]byte, p.Size)
		if _, err := r.ReadAt(img, p.Offsets[c]); err != nil {
			return st, fmt.Errorf("bootenv: read copy %d at %d: %w", c, p.Offsets[c], err)
		}
		vars, _, err := Decode(img, false)
		if err != nil {
			continue // a torn or never-written copy: the other one decides
		}
		st.vars[c], st.valid[c], st.seq[c] = vars, true, p.seqOf(vars)
	}
	return st, nil
}

// Read returns the current copy's variables (SeqVar among them) and
// which copy it is; ErrNoEnv when neither copy is valid.
func (p Pair) Read(r io.ReaderAt) (Env, error) {
	if err := p.check(); err != nil {
		return Env{}, err
	}
	st, err := p.readBoth(r)
	if err != nil {
		return Env{}, err
	}
	c, ok := PairCurrent(st.valid, st.seq)
	if !ok {
		return Env{}, fmt.Errorf("bootenv: copies at %d and %d: %w", p.Offsets[0], p.Offsets[1], ErrNoEnv)
	}
	return Env{Vars: st.vars[c], Copy: c}, nil
}

// Write stores vars (SeqVar is set here; a value in vars is ignored)
// into the copy that is not current, with the current sequence + 1, and
// returns the environment now current. A power cut at any point leaves
// the previous environment or vars, whole: the current copy is never
// touched, and the written copy's CRC only matches once it is complete
// (its data area is written and synced before its CRC). With no valid
// copy, copy 0 is written with sequence 1.
func (p Pair) Write(rw ReadWriterAt, vars map[string]string) (Env, error) {
	if err := p.check(); err != nil {
		return Env{}, err
	}
	st, err := p.readBoth(rw)
	if err != nil {
		return Env{}, err
	}
	cur, ok := PairCurrent(st.valid, st.seq)
	target, seq := 1-cur, st.seq[cur]+1
	if !ok {
		target, seq = 0, 1
	}
	next := copyVars(vars)
	next[p.SeqVar] = strconv.FormatUint(seq, 16)
	img, err := Encode(next, int(p.Size), false, 0, 0)
	if err != nil {
		return Env{}, err
	}
	at := p.Offsets[target]
	if err := writeSync(rw, img[4:], at+4); err != nil {
		return Env{}, err
	}
	if err := writeSync(rw, img[:4], at); err != nil {
		return Env{}, err
	}
	return Env{Vars: next, Copy: target}, nil
}

// Image is one copy holding vars with sequence seq, as Write would store
// it: for building a disk image with both copies present.
func (p Pair) Image(vars map[string]string, seq uint64) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	next := copyVars(vars)
	next[p.SeqVar] = strconv.FormatUint(seq, 16)
	return Encode(next, int(p.Size), false, 0, 0)
}
