package evdevio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// encode writes records as the kernel does on a 64-bit host: timeval
// (sec, usec), type, code, value in the host's byte order. The
// timestamps advance so a reader that misreads them would see garbage.
func encode(recs ...Record) []byte {
	b := make([]byte, 0, len(recs)*RecordSize)
	for i, r := range recs {
		var e [RecordSize]byte
		binary.NativeEndian.PutUint64(e[0:], uint64(1_700_000_000+i))
		binary.NativeEndian.PutUint64(e[8:], uint64(i*1000%1_000_000))
		binary.NativeEndian.PutUint16(e[16:], r.Type)
		binary.NativeEndian.PutUint16(e[18:], r.Code)
		binary.NativeEndian.PutUint32(e[20:], uint32(r.Value))
		b = append(b, e[:]...)
	}
	return b
}

func TestRecordLayout(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("recorded bytes are little-endian")
	}
	// struct input_event as an arm64 or amd64 kernel writes it: tv_sec,
	// tv_usec, then type 0x0003, code 0x0035, value -2.
	b := []byte{
		0x10, 0x32, 0x54, 0x76, 0, 0, 0, 0, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0,
		0x03, 0x00, 0x35, 0x00, 0xfe, 0xff, 0xff, 0xff,
	}
	want := Record{EvAbs, 0x35, -2}
	if got := DecodeRecord(b); got != want {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
	if got := encode(want); len(got) != RecordSize || DecodeRecord(got) != want {
		t.Errorf("test encoder disagrees with the kernel layout")
	}
}

func TestReader(t *testing.T) {
	recs := []Record{{EvKey, 116, 1}, {EvSyn, SynReport, 0}, {EvKey, 116, 0}, {EvSyn, SynReport, 0}}
	whole := encode(recs...)
	tests := []struct {
		name    string
		input   []byte
		want    []Record
		wantErr error
	}{
		{"empty", nil, nil, io.EOF},
		{"whole records", whole, recs, io.EOF},
		{"cut short", whole[:len(whole)-5], recs[:3], io.ErrUnexpectedEOF},
		{"less than one record", whole[:RecordSize-1], nil, io.ErrUnexpectedEOF},
	}
	wraps := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"plain", func(r io.Reader) io.Reader { return r }},
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
		{"data with EOF", iotest.DataErrReader},
	}
	for _, tt := range tests {
		for _, w := range wraps {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				r := NewReader(w.wrap(bytes.NewReader(tt.input)))
				var got []Record
				for {
					rec, err := r.Next()
					if err != nil {
						if !errors.Is(err, tt.wantErr) {
							t.Errorf("error %v, want %v", err, tt.wantErr)
						}
						break
					}
					got = append(got, rec)
				}
				if len(got) != len(tt.want) {
					t.Fatalf("%d records, want %d", len(got), len(tt.want))
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("record %d: %+v, want %+v", i, got[i], tt.want[i])
					}
				}
			})
		}
	}
}

func TestReaderPassesReadErrors(t *testing.T) {
	boom := errors.New("EIO")
	r := NewReader(io.MultiReader(bytes.NewReader(encode(Record{EvSyn, SynReport, 0})), iotest.ErrReader(boom)))
	if _, err := r.Next(); err != nil {
		t.Fatalf("first record: %v", err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

// FuzzReader checks the reader's promises on any bytes: one record per
// RecordSize bytes, in order, then io.EOF when the length is a whole
// number of records and io.ErrUnexpectedEOF when not.
func FuzzReader(f *testing.F) {
	f.Add(encode(Record{EvKey, 116, 1}, Record{EvSyn, SynReport, 0}))
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		n := 0
		for {
			rec, err := r.Next()
			if err != nil {
				want := io.EOF
				if len(data)%RecordSize != 0 {
					want = io.ErrUnexpectedEOF
				}
				if err != want {
					t.Fatalf("error %v after %d records of %d bytes, want %v", err, n, len(data), want)
				}
				break
			}
			if rec != DecodeRecord(data[n*RecordSize:]) {
				t.Fatalf("record %d: %+v", n, rec)
			}
			n++
		}
		if n != len(data)/RecordSize {
			t.Fatalf("%d records from %d bytes", n, len(data))
		}
	})
}
