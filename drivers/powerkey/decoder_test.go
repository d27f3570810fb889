package powerkey

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"payterm/internal/readertest"
)

const keyA = 30 // KEY_A: another key on the same device

var decodeCases = []struct {
	name    string
	input   []byte
	presses int
	wantErr error
}{
	{"empty", nil, 0, io.EOF},
	{
		// What gpio-keys sends for QEMU's system_powerdown: the line
		// pulses, one frame down and one up.
		name:    "press and release",
		input:   stream(power(1), syn(), power(0), syn()),
		presses: 1,
		wantErr: io.EOF,
	},
	{"two presses", stream(power(1), syn(), power(0), syn(), power(1), syn(), power(0), syn()), 2, io.EOF},
	{"autorepeat is not a press", stream(power(1), syn(), power(2), syn(), power(2), syn(), power(0), syn()), 1, io.EOF},
	{"release alone", stream(power(0), syn()), 0, io.EOF},
	{"down and up in one frame", stream(power(1), power(0), syn()), 1, io.EOF},
	{"other keys", stream(key(keyA, 1), syn(), key(keyA, 0), syn(), key(KeyPower+1, 1), syn()), 0, io.EOF},
	{"other event type with the code", stream(in{Type: 0x04, Code: KeyPower, Value: 1}, syn()), 0, io.EOF},
	{"frame not finished", stream(power(1)), 0, io.EOF},
	{"several frames without the key", stream(syn(), syn(), key(keyA, 1), syn()), 0, io.EOF},
	{
		name:    "dropped frame",
		input:   stream(dropped(), power(1), syn(), power(0), syn()),
		presses: 0,
		wantErr: io.EOF,
	},
	{
		name:    "press before the overflow in the same frame",
		input:   stream(power(1), dropped(), syn(), power(0), syn(), power(1), syn()),
		presses: 1,
		wantErr: io.EOF,
	},
	{
		name:    "event cut short",
		input:   stream(power(1), syn(), power(0))[:2*24+10],
		presses: 1,
		wantErr: io.ErrUnexpectedEOF,
	},
}

func TestDecoder(t *testing.T) {
	for _, tc := range decodeCases {
		for _, rd := range readertest.Readers(tc.input) {
			t.Run(tc.name+"/"+rd.Name, func(t *testing.T) {
				d := NewDecoder(rd.R)
				n := 0
				var err error
				for err = d.Next(); err == nil; err = d.Next() {
					n++
				}
				if n != tc.presses {
					t.Errorf("%d presses, want %d", n, tc.presses)
				}
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("error %v, want %v", err, tc.wantErr)
				}
				if again := d.Next(); again == nil || again.Error() != err.Error() {
					t.Errorf("after failing: %v, want %v again", again, err)
				}
			})
		}
	}
}

func TestDecoderWrapsReadErrors(t *testing.T) {
	boom := errors.New("ENODEV")
	d := NewDecoder(io.MultiReader(bytes.NewReader(stream(power(1), syn())), iotest.ErrReader(boom)))
	if err := d.Next(); err != nil {
		t.Fatalf("first press: %v", err)
	}
	if err := d.Next(); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v wrapped", err, boom)
	}
}
