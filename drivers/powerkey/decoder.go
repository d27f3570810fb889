package powerkey

import (
	"errors"
	"fmt"
	"io"

	"payterm/drivers/internal/evdevio"
)

// KeyPower is KEY_POWER, the code of the power key.
const KeyPower = 116

// Decoder reads presses of the power key from a stream of struct
// input_event records. A press is a frame (the records up to a
// SYN_REPORT) in which KEY_POWER went down (value 1); a release (0) or
// autorepeat (2) is not one, and a frame the stream ends in the middle of
// does not count. After SYN_DROPPED the kernel's rule applies: everything
// up to the next SYN_REPORT is dropped, so a press lost in an overflow is
// not reported (the user presses again). Not safe for concurrent use.
type Decoder struct {
	in       *evdevio.Reader
	pressed  bool // KEY_POWER went down in the current frame
	dropping bool // after SYN_DROPPED, until SYN_REPORT
	err      error
}

// NewDecoder returns a decoder reading r, which yields records in the
// host's byte order as the kernel writes them.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{in: evdevio.NewReader(r)}
}

// Next waits for the next press and returns nil. At the end of the stream
// it returns io.EOF; a read error is returned wrapped, a record cut short
// as io.ErrUnexpectedEOF wrapped. Once it has failed it keeps failing.
func (d *Decoder) Next() error {
	for d.err == nil {
		r, err := d.in.Next()
		switch {
		case err == io.EOF:
			d.err = io.EOF
		case errors.Is(err, io.ErrUnexpectedEOF):
			d.err = fmt.Errorf("powerkey: read: event cut short: %w", err)
		case err != nil:
			d.err = fmt.Errorf("powerkey: read: %w", err)
		case d.handle(r):
			return nil
		}
	}
	return d.err
}

// handle takes one record and says whether it ended a frame with a press.
func (d *Decoder) handle(r evdevio.Record) bool {
	switch {
	case r.Type == evdevio.EvSyn && r.Code == evdevio.SynDropped:
		d.dropping, d.pressed = true, false
	case r.Type == evdevio.EvSyn && r.Code == evdevio.SynReport:
		pressed := d.pressed && !d.dropping
		d.dropping, d.pressed = false, false
		return pressed
	case r.Type == evdevio.EvKey && r.Code == KeyPower && r.Value == 1 && !d.dropping:
		d.pressed = true
	}
	return false
}
