package bootenv

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"maps"
	"testing"
)

// raw builds one copy by hand: data is the data area before padding.
func raw(size int, redundant bool, flags byte, data string) []byte {
	hs := headerSize(redundant)
	img := bytes.Repeat([]byte{0xff}, size)
	copy(img[hs:], data)
	if redundant {
		img[4] = flags
	}
	binary.LittleEndian.PutUint32(img, crc32.ChecksumIEEE(img[hs:]))
	return img
}

func TestEncodeLayout(t *testing.T) {
	for _, tc := range []struct {
		name      string
		vars      map[string]string
		redundant bool
		flags     byte
		want      []byte
	}{
		{"sorted by name", map[string]string{"b": "2", "a": "1"}, false, 0, raw(32, false, 0, "a=1\x00b=2\x00\x00")},
		{"empty env", map[string]string{}, false, 0, raw(32, false, 0, "\x00")},
		{"redundant flags after crc", map[string]string{"BOOT_ORDER": "A B"}, true, 7, raw(32, true, 7, "BOOT_ORDER=A B\x00\x00")},
		{"empty value", map[string]string{"x": ""}, false, 0, raw(32, false, 0, "x=\x00\x00")},
		{"newline and = in value", map[string]string{"s": "a=b\nc"}, false, 0, raw(32, false, 0, "s=a=b\nc\x00\x00")},
		{"exactly full", map[string]string{"abc": "0123456789012345678901"}, false, 0, raw(32, false, 0, "abc=0123456789012345678901\x00\x00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.vars, 32, tc.redundant, tc.flags, 0xff)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("Encode:\n got %q\nwant %q", got, tc.want)
			}
			vars, flags, err := Decode(got, tc.redundant)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(vars, tc.vars) || flags != tc.flags {
				t.Fatalf("Decode = %q, %d; want %q, %d", vars, flags, tc.vars, tc.flags)
			}
		})
	}
}

func TestEncodeZeroPad(t *testing.T) {
	got, err := Encode(map[string]string{"a": "1"}, 16, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a=1\x00" + string(make([]byte, 8)); string(got[4:]) != want {
		t.Fatalf("data area %q, want %q", got[4:], want)
	}
}

func TestEncodeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		size int
		want error
	}{
		{"empty name", map[string]string{"": "x"}, 64, ErrBadName},
		{"= in name", map[string]string{"a=b": "x"}, 64, ErrBadName},
		{"NUL in name", map[string]string{"a\x00": "x"}, 64, ErrBadName},
		{"NUL in value", map[string]string{"a": "x\x00y"}, 64, ErrBadName},
		{"one byte over", map[string]string{"abc": "01234567890123456789012"}, 32, ErrTooLarge},
		{"size below header", map[string]string{}, 5, ErrLayout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Encode(tc.vars, tc.size, false, 0, 0xff); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  []byte
		want map[string]string
		err  error
	}{
		{"later duplicate wins", raw(32, false, 0, "a=1\x00a=2\x00\x00"), map[string]string{"a": "2"}, nil},
		{"data after the end ignored", raw(32, false, 0, "a=1\x00\x00b=2\x00"), map[string]string{"a": "1"}, nil},
		{"zero padding", func() []byte {
			b := make([]byte, 32)
			copy(b[4:], "a=1")
			binary.LittleEndian.PutUint32(b, crc32.ChecksumIEEE(b[4:]))
			return b
		}(), map[string]string{"a": "1"}, nil},
		{"no empty entry before the end", func() []byte {
			b := make([]byte, 12)
			copy(b[4:], "abcdef=\x00")
			binary.LittleEndian.PutUint32(b, crc32.ChecksumIEEE(b[4:]))
			return b
		}(), nil, ErrMalformed},
		{"bad crc", func() []byte { b := raw(32, false, 0, "a=1\x00\x00"); b[5] ^= 1; return b }(), nil, ErrNoEnv},
		{"erased flash", bytes.Repeat([]byte{0xff}, 32), nil, ErrNoEnv},
		{"zeroed", make([]byte, 32), nil, ErrNoEnv},
		{"too short", []byte{1, 2, 3}, nil, ErrNoEnv},
		{"entry without =", raw(32, false, 0, "abc\x00\x00"), nil, ErrMalformed},
		{"empty name", raw(32, false, 0, "=x\x00\x00"), nil, ErrMalformed},
		{"unterminated entry", func() []byte {
			b := make([]byte, 8)
			copy(b[4:], "a=12")
			binary.LittleEndian.PutUint32(b, crc32.ChecksumIEEE(b[4:]))
			return b
		}(), nil, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Decode(tc.img, false)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil && !maps.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
