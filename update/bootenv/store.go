package bootenv

import (
	"fmt"
	"io"
)

// Scheme is how the flags byte of a redundant environment marks the
// current copy. U-Boot uses one or the other depending on where the
// environment lives; Linux must use the same one, or it and U-Boot
// disagree about which copy is current.
type Scheme uint8

const (
	// Counter: the flags byte is a serial number incremented (mod 256) by
	// each save; the valid copy with the higher serial is current, 0
	// beating 255, copy 0 on a tie (env_import_redund in env/common.c:
	// MMC, SPI flash, NAND, UBI, fw_env's FLAG_INCREMENTAL).
	Counter Scheme = iota
	// ActiveObsolete: the flags byte is 1 (active) or 0 (obsolete), which
	// NOR flash can set without an erase (env/flash.c, fw_env's
	// FLAG_BOOLEAN). Active+obsolete picks the active copy; equal flags
	// pick copy 0; otherwise a copy whose flags are still erased (0xff).
	ActiveObsolete
)

const (
	flagObsolete = 0
	flagActive   = 1
)

// Layout says where an environment lives on a device.
type Layout struct {
	// Size is the bytes of one copy, header included (CONFIG_ENV_SIZE).
	Size int64
	// Offset is where the first copy starts (CONFIG_ENV_OFFSET).
	Offset int64
	// Redundant selects the two-copy layout; RedundOffset is where the
	// second copy starts (CONFIG_ENV_OFFSET_REDUND).
	Redundant    bool
	RedundOffset int64
	// Scheme is the meaning of the flags byte; the zero value is Counter.
	Scheme Scheme
	// ZeroPad pads the data area with 0x00; the zero value pads with 0xff,
	// erased flash, as mkenvimage does.
	ZeroPad bool
}

func (l Layout) check() error {
	if l.Size < int64(headerSize(l.Redundant))+2 || l.Size > 1<<30 || l.Offset < 0 {
		return fmt.Errorf("bootenv: size %d at %d: %w", l.Size, l.Offset, ErrLayout)
	}
	if l.Redundant && (l.RedundOffset < 0 || l.RedundOffset < l.Offset+l.Size && l.Offset < l.RedundOffset+l.Size) {
		return fmt.Errorf("bootenv: copies at %d and %d overlap (size %d): %w", l.Offset, l.RedundOffset, l.Size, ErrLayout)
	}
	if l.Scheme > ActiveObsolete {
		return fmt.Errorf("bootenv: scheme %d: %w", l.Scheme, ErrLayout)
	}
	return nil
}

func (l Layout) offset(copy int) int64 {
	if copy == 1 {
		return l.RedundOffset
	}
	return l.Offset
}

func (l Layout) pad() byte {
	if l.ZeroPad {
		return 0
	}
	return 0xff
}

// Env is the environment U-Boot would load: its variables and which copy
// they came from.
type Env struct {
	Vars map[string]string
	// Copy is the current copy: 0 (at Offset) or 1 (at RedundOffset);
	// always 0 without redundancy.
	Copy int
	// Flags is the current copy's flags byte (0 without redundancy).
	Flags byte
}

// Current decides which copy U-Boot loads, from each copy's CRC validity
// and flags byte, as scheme s does. ok is false when U-Boot would fall
// back to its built-in default environment.
func Current(s Scheme, valid [2]bool, flags [2]byte) (copy int, ok bool) {
	switch {
	case !valid[0] && !valid[1]:
		return 0, false
	case valid[0] && !valid[1]:
		return 0, true
	case !valid[0] && valid[1]:
		return 1, true
	}
	f0, f1 := flags[0], flags[1]
	if s == Counter {
		switch {
		case f0 == 255 && f1 == 0:
			return 1, true
		case f1 == 255 && f0 == 0:
			return 0, true
		case f1 > f0:
			return 1, true
		}
		return 0, true
	}
	switch {
	case f0 == flagActive && f1 == flagObsolete:
		return 0, true
	case f0 == flagObsolete && f1 == flagActive:
		return 1, true
	case f0 == f1, f0 == 0xff:
		return 0, true
	case f1 == 0xff:
		return 1, true
	}
	// env/flash.c leaves no address set here and U-Boot uses its default
	// environment; neither this package nor U-Boot writes such flags.
	return 0, false
}

// readCopies reads both copies (one without redundancy).
func readCopies(r io.ReaderAt, l Layout) ([2][]byte, [2]bool, [2]byte, error) {
	var imgs [2][]byte
	var valid [2]bool
	var flags [2]byte
	n := 1
	if l.Redundant {
		n = 2
	}
	for c := 0; c < n; c++ {
		img := make([]byte, l.Size)
		if _, err := r.ReadAt(img, l.offset(c)); err != nil {
			return imgs, valid, flags, fmt.Errorf("bootenv: read copy %d at %d: %w", c, l.offset(c), err)
		}
		imgs[c], valid[c] = img, validCRC(img, l.Redundant)
		if l.Redundant {
			flags[c] = img[4]
		}
	}
	return imgs, valid, flags, nil
}

// Read returns the environment U-Boot would load from r: ErrNoEnv when no
// copy is valid, ErrMalformed when the chosen copy's CRC is right but its
// entries are not.
func Read(r io.ReaderAt, l Layout) (Env, error) {
	if err := l.check(); err != nil {
		return Env{}, err
	}
	imgs, valid, flags, err := readCopies(r, l)
	if err != nil {
		return Env{}, err
	}
	c, ok := Current(l.Scheme, valid, flags)
	if !ok {
		return Env{}, fmt.Errorf("bootenv: copies at %d and %d: %w", l.Offset, l.RedundOffset, ErrNoEnv)
	}
	vars, fl, err := Decode(imgs[c], l.Redundant)
	if err != nil {
		return Env{}, fmt.Errorf("bootenv: copy %d: %w", c, err)
	}
	return Env{Vars: vars, Copy: c, Flags: fl}, nil
}

// ReadWriterAt is the storage Write needs. If it also has Sync() error
// (an *os.File), Write calls it between steps so that each step is
// durable before the next one starts.
type ReadWriterAt interface {
	io.ReaderAt
	io.WriterAt
}

// Write stores vars and returns the environment now current.
//
// Without redundancy the one copy is overwritten in place: a power cut
// mid-write leaves no valid environment.
//
// With redundancy only the copy that is not current is written, so a
// power cut at any point leaves U-Boot (and Read) loading either the
// previous environment or vars, whole:
//  1. the data area, then the CRC, of the other copy, its flags byte left
//     as it was (a stale flags byte cannot make an incomplete copy win: its
//     CRC does not match until the data is whole);
//  2. Counter: its flags byte, the current serial + 1.
//     ActiveObsolete: its flags byte active (a tie: copy 0 wins, whole
//     either way), then the old copy's flags byte obsolete.
//
// A one-byte write must be atomic (it is on flash and block storage): a
// torn flags byte could make neither copy current. Raw NOR flash must be
// erased before step 1 rewrites a copy; that is the
// WriterAt's job (an MTD device's erase), not this package's.
func Write(rw ReadWriterAt, l Layout, vars map[string]string) (Env, error) {
	if err := l.check(); err != nil {
		return Env{}, err
	}
	if !l.Redundant {
		img, err := Encode(vars, int(l.Size), false, 0, l.pad())
		if err != nil {
			return Env{}, err
		}
		if err := writeSync(rw, img, l.Offset); err != nil {
			return Env{}, err
		}
		return Env{Vars: copyVars(vars)}, nil
	}
	_, valid, flags, err := readCopies(rw, l)
	if err != nil {
		return Env{}, err
	}
	cur, ok := Current(l.Scheme, valid, flags)
	target, newFlags := 1-cur, byte(flagActive)
	if !ok {
		target = 0
	}
	if l.Scheme == Counter {
		newFlags = flags[cur] + 1
		if !ok {
			newFlags = 1
		}
	}
	// Encode with the target's present flags byte: step 1 must not touch it.
	img, err := Encode(vars, int(l.Size), true, flags[target], l.pad())
	if err != nil {
		return Env{}, err
	}
	at := l.offset(target)
	if err := writeSync(rw, img[5:], at+5); err != nil {
		return Env{}, err
	}
	if err := writeSync(rw, img[:4], at); err != nil {
		return Env{}, err
	}
	if err := writeSync(rw, []byte{newFlags}, at+4); err != nil {
		return Env{}, err
	}
	if l.Scheme == ActiveObsolete && ok && flags[cur] != flagObsolete {
		if err := writeSync(rw, []byte{flagObsolete}, l.offset(cur)+4); err != nil {
			return Env{}, err
		}
	}
	return Env{Vars: copyVars(vars), Copy: target, Flags: newFlags}, nil
}

func writeSync(w io.WriterAt, b []byte, at int64) error {
	if _, err := w.WriteAt(b, at); err != nil {
		return fmt.Errorf("bootenv: write %d bytes at %d: %w", len(b), at, err)
	}
	if s, ok := w.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			return fmt.Errorf("bootenv: sync: %w", err)
		}
	}
	return nil
}

func copyVars(vars map[string]string) map[string]string {
	m := make(map[string]string, len(vars))
	for k, v := range vars {
		m[k] = v
	}
	return m
}
