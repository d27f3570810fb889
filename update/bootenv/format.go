// Package bootenv reads and writes U-Boot's stored environment: the
// block U-Boot loads at power-on (env_import) and saves with saveenv, and
// that fw_printenv/fw_setenv edit from Linux.
//
// One copy is Size bytes: a CRC-32 (IEEE, little-endian) of the data
// area, in a redundant layout a flags byte, then the data area: the
// "name=value" entries each ended by NUL, an empty entry, and padding.
// The CRC covers the data area only, never the flags byte
// (include/env_internal.h, struct environment_s).
//
// The package is pure: it works on byte slices (Encode, Decode) and on an
// io.ReaderAt / io.WriterAt at given offsets (Read, Write), so the same
// code drives a flash partition, a file in tests, or QEMU's pflash image.
package bootenv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"sort"
	"strings"
)

// Errors, wrapped with context; test with errors.Is.
var (
	// ErrNoEnv: no copy has a valid CRC (U-Boot then boots with its
	// built-in default environment).
	ErrNoEnv = errors.New("no valid environment")
	// ErrMalformed: the CRC is valid but the data area is not a list of
	// name=value entries.
	ErrMalformed = errors.New("malformed environment")
	// ErrTooLarge: the variables do not fit in the environment's size.
	ErrTooLarge = errors.New("environment too large")
	// ErrBadName: a name is empty or holds '=' or NUL, or a value holds NUL.
	ErrBadName = errors.New("bad variable")
	// ErrLayout: sizes or offsets that cannot hold an environment.
	ErrLayout = errors.New("bad layout")
)

// headerSize is the bytes before the data area: the CRC, and in a
// redundant copy the flags byte.
func headerSize(redundant bool) int {
	if redundant {
		return 5
	}
	return 4
}

// Encode returns one copy of size bytes holding vars: entries sorted by
// name (as U-Boot's saveenv stores them), the empty entry that ends the
// list, then pad up to size. With redundant, flags is stored after the
// CRC; without, flags is ignored. With pad 0xff and the same entries in
// the same order the result is byte-identical to what mkenvimage writes.
func Encode(vars map[string]string, size int, redundant bool, flags, pad byte) ([]byte, error) {
	hs := headerSize(redundant)
	if size < hs+2 {
		return nil, fmt.Errorf("bootenv: size %d: %w", size, ErrLayout)
	}
	names := make([]string, 0, len(vars))
	for n, v := range vars {
		if n == "" || strings.ContainsAny(n, "=\x00") || strings.ContainsRune(v, 0) {
			return nil, fmt.Errorf("bootenv: %.40q: %w", n, ErrBadName)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	img := make([]byte, size)
	off := hs
	for _, n := range names {
		// Each entry, its NUL, and room for the final empty entry.
		if off+len(n)+1+len(vars[n])+2 > size {
			return nil, fmt.Errorf("bootenv: %d variables in %d bytes: %w", len(vars), size, ErrTooLarge)
		}
		off += copy(img[off:], n)
		img[off] = '='
		off++
		off += copy(img[off:], vars[n])
		img[off] = 0
		off++
	}
	img[off] = 0 // the empty entry: end of the list
	off++
	for i := off; i < size; i++ {
		img[i] = pad
	}
	if redundant {
		img[4] = flags
	}
	binary.LittleEndian.PutUint32(img, crc32.ChecksumIEEE(img[hs:]))
	return img, nil
}

// validCRC reports whether one copy's stored CRC matches its data area.
func validCRC(img []byte, redundant bool) bool {
	hs := headerSize(redundant)
	return len(img) >= hs && binary.LittleEndian.Uint32(img) == crc32.ChecksumIEEE(img[hs:])
}

// Decode parses one copy: ErrNoEnv when its CRC does not match, else the
// variables (a later entry of the same name wins, as in U-Boot's import)
// and, for a redundant copy, its flags byte. The list ends at the first
// empty entry; an entry without '=', with an empty name, or a list with
// no empty entry before the end of the data area is ErrMalformed.
func Decode(img []byte, redundant bool) (vars map[string]string, flags byte, err error) {
	if len(img) < headerSize(redundant)+1 {
		return nil, 0, fmt.Errorf("bootenv: %d bytes: %w", len(img), ErrNoEnv)
	}
	if !validCRC(img, redundant) {
		return nil, 0, fmt.Errorf("bootenv: CRC mismatch: %w", ErrNoEnv)
	}
	if redundant {
		flags = img[4]
	}
	data := img[headerSize(redundant):]
	vars = map[string]string{}
	for {
		end := bytes.IndexByte(data, 0)
		if end < 0 {
			return nil, 0, fmt.Errorf("bootenv: list not ended by an empty entry: %w", ErrMalformed)
		}
		if end == 0 {
			return vars, flags, nil
		}
		name, value, ok := strings.Cut(string(data[:end]), "=")
		if !ok || name == "" {
			return nil, 0, fmt.Errorf("bootenv: entry %.40q: %w", data[:end], ErrMalformed)
		}
		vars[name] = value
		data = data[end+1:]
	}
}
