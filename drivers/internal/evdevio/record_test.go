package evdevio_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
	"payterm/internal/readertest"
)

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
	want := evdevio.Record{Type: evdevio.EvAbs, Code: 0x35, Value: -2}
	if got := evdevio.DecodeRecord(b); got != want {
		t.Errorf("decoded %+v, want %+v", got, want)
	}
	if got := evdevtest.Stream(want); len(got) != evdevio.RecordSize || evdevio.DecodeRecord(got) != want {
		t.Errorf("test encoder disagrees with the kernel layout")
	}
}

func TestReader(t *testing.T) {
	recs := []evdevio.Record{
		{Type: evdevio.EvKey, Code: 116, Value: 1}, {Type: evdevio.EvSyn, Code: evdevio.SynReport},
		{Type: evdevio.EvKey, Code: 116, Value: 0}, {Type: evdevio.EvSyn, Code: evdevio.SynReport},
	}
	whole := evdevtest.Stream(recs...)
	tests := []struct {
		name    string
		input   []byte
		want    []evdevio.Record
		wantErr error
	}{
		{"empty", nil, nil, io.EOF},
		{"whole records", whole, recs, io.EOF},
		{"cut short", whole[:len(whole)-5], recs[:3], io.ErrUnexpectedEOF},
		{"less than one record", whole[:evdevio.RecordSize-1], nil, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		for _, rd := range readertest.Readers(tt.input) {
			t.Run(tt.name+"/"+rd.Name, func(t *testing.T) {
				r := evdevio.NewReader(rd.R)
				var got []evdevio.Record
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
	report := evdevio.Record{Type: evdevio.EvSyn, Code: evdevio.SynReport}
	r := evdevio.NewReader(io.MultiReader(bytes.NewReader(evdevtest.Stream(report)), iotest.ErrReader(boom)))
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
	f.Add(evdevtest.Stream(
		evdevio.Record{Type: evdevio.EvKey, Code: 116, Value: 1},
		evdevio.Record{Type: evdevio.EvSyn, Code: evdevio.SynReport},
	))
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := evdevio.NewReader(bytes.NewReader(data))
		n := 0
		for {
			rec, err := r.Next()
			if err != nil {
				want := io.EOF
				if len(data)%evdevio.RecordSize != 0 {
					want = io.ErrUnexpectedEOF
				}
				if err != want {
					t.Fatalf("error %v after %d records of %d bytes, want %v", err, n, len(data), want)
				}
				break
			}
			if rec != evdevio.DecodeRecord(data[n*evdevio.RecordSize:]) {
				t.Fatalf("record %d: %+v", n, rec)
			}
			n++
		}
		if n != len(data)/evdevio.RecordSize {
			t.Fatalf("%d records from %d bytes", n, len(data))
		}
	})
}
