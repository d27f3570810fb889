package powerkey

import (
	"bytes"
	"io"
	"testing"

	"payterm/drivers/internal/evdevio"
)

// FuzzDecoder feeds arbitrary bytes and checks the decoder's promises: no
// panic, never more presses than SYN_REPORTs, an error at the end that is
// io.EOF exactly when the stream is whole records, and the same error
// again after.
func FuzzDecoder(f *testing.F) {
	for _, tc := range decodeCases {
		f.Add(tc.input)
	}
	f.Add(stream(dropped(), dropped(), power(1), syn(), syn()))
	f.Fuzz(func(t *testing.T, data []byte) {
		reports := 0
		for i := 0; i+evdevio.RecordSize <= len(data); i += evdevio.RecordSize {
			if r := evdevio.DecodeRecord(data[i:]); r.Type == evdevio.EvSyn && r.Code == evdevio.SynReport {
				reports++
			}
		}
		d := NewDecoder(bytes.NewReader(data))
		n := 0
		var err error
		for err = d.Next(); err == nil; err = d.Next() {
			n++
		}
		if n > reports {
			t.Fatalf("%d presses from %d frames", n, reports)
		}
		if whole := len(data)%evdevio.RecordSize == 0; whole != (err == io.EOF) {
			t.Fatalf("error %v for %d bytes", err, len(data))
		}
		if again := d.Next(); again == nil || again.Error() != err.Error() {
			t.Fatalf("after %v: %v", err, again)
		}
	})
}
