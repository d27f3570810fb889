package evdev

import (
	"errors"
	"fmt"
	"image"
	"io"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/touch"
)

// maxSlots bounds the multi-touch slots followed; contacts in higher slots
// are ignored. Touch panels report 2 to 10.
const maxSlots = 16

// Decoder turns a stream of struct input_event records into touch events in
// panel pixels, one frame (up to SYN_REPORT) at a time.
//
// It follows one finger, the customer's: on a single-touch device or
// absolute pointer, the contact that BTN_TOUCH or BTN_LEFT reports; on a
// multi-touch (protocol B) device, the first contact to land while no other
// was being followed, until it lifts. Other fingers are ignored, and so are
// contacts already down when the decoder started. Every Down is followed
// by Moves and one Up; when the stream ends with the finger down, an Up at
// its last position comes before the error. Not safe for concurrent use.
type Decoder struct {
	in            *evdevio.Reader
	single, multi mapper
	resync        func() (Snapshot, error)

	// The device's state as the events so far describe it.
	touchBtn, leftBtn bool  // BTN_TOUCH, BTN_LEFT
	x, y              int32 // ABS_X, ABS_Y
	multiTouch        bool  // protocol B seen: ignore single-touch emulation
	slot              int32 // ABS_MT_SLOT
	slots             [maxSlots]slotState
	dropping          bool // after SYN_DROPPED, until SYN_REPORT
	waitRelease       bool // single-touch contact predates us; skip it

	// What has been reported.
	primary int // followed slot, -1 none
	down    bool
	at      image.Point
	queue   []touch.Event
	err     error
}

type slotState struct {
	id           int32 // tracking id, -1 none
	x, y         int32
	began, ended bool // a contact began or ended in this frame
}

// NewDecoder returns a decoder reading r, which yields records in the
// host's byte order as the kernel writes them.
func NewDecoder(r io.Reader, cfg Config) (*Decoder, error) {
	single, multi, err := cfg.mappers()
	if err != nil {
		return nil, fmt.Errorf("evdev: config: %w", err)
	}
	d := &Decoder{
		in:     evdevio.NewReader(r),
		single: single, multi: multi, resync: cfg.Resync,
		primary: -1,
	}
	for i := range d.slots {
		d.slots[i].id = -1
	}
	return d, nil
}

// Next returns the next event. At the end of the stream it returns io.EOF;
// a read error is returned wrapped, a record cut short as
// io.ErrUnexpectedEOF wrapped. Once it has failed it keeps failing.
func (d *Decoder) Next() (touch.Event, error) {
	for len(d.queue) == 0 {
		if d.err != nil {
			return touch.Event{}, d.err
		}
		r, err := d.in.Next()
		if err != nil {
			d.fail(err)
			continue
		}
		d.handle(r)
	}
	ev := d.queue[0]
	d.queue = append(d.queue[:0], d.queue[1:]...)
	return ev, nil
}

// fail records the stream's end; a finger still down is lifted, since its
// release can no longer be seen.
func (d *Decoder) fail(err error) {
	switch {
	case err == io.EOF:
		d.err = io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		d.err = fmt.Errorf("evdev: read: event cut short: %w", err)
	default:
		d.err = fmt.Errorf("evdev: read: %w", err)
	}
	d.report(false, d.at)
	d.primary = -1
}

func (d *Decoder) handle(r evdevio.Record) {
	if d.dropping {
		// Documentation/input/event-codes.rst: after SYN_DROPPED, drop
		// everything up to and including the next SYN_REPORT, then read
		// the state afresh.
		if r.Type == evSyn && r.Code == synReport {
			d.dropping = false
			if d.resync != nil {
				// A failed read leaves the old state; the device is
				// probably gone and the next read will say so.
				if s, err := d.resync(); err == nil {
					d.load(s, true)
				}
			}
			d.frame()
		}
		return
	}
	switch r.Type {
	case evSyn:
		switch r.Code {
		case synReport:
			d.frame()
		case synDropped:
			d.dropping = true
		}
	case evKey:
		switch r.Code {
		case btnTouch:
			d.touchBtn = r.Value != 0 // 2 is autorepeat: still held
		case btnLeft:
			d.leftBtn = r.Value != 0
		}
	case evAbs:
		d.abs(r.Code, r.Value)
	}
}

func (d *Decoder) abs(code uint16, v int32) {
	switch code {
	case absX:
		d.x = v
	case absY:
		d.y = v
	case absMTSlot:
		d.multiTouch = true
		d.slot = v
	case absMTTrackingID:
		d.multiTouch = true
		if s := d.current(); s != nil {
			s.track(v)
		}
	case absMTPositionX:
		if s := d.current(); s != nil {
			s.x = v
		}
	case absMTPositionY:
		if s := d.current(); s != nil {
			s.y = v
		}
	}
}

// current is the slot ABS_MT_* events apply to, nil when out of range.
func (d *Decoder) current() *slotState {
	if d.slot < 0 || d.slot >= maxSlots {
		return nil
	}
	return &d.slots[d.slot]
}

// track sets a slot's tracking id. A new id ends the slot's previous
// contact, if any, and begins another; -1 just ends it.
func (s *slotState) track(id int32) {
	if id < 0 {
		id = -1
	}
	if id == s.id {
		return
	}
	if s.id >= 0 {
		s.ended = true
	}
	if id >= 0 {
		s.began = true
	}
	s.id = id
}

// load takes the device's state from a snapshot. With adopt, contacts that
// differ from what the decoder knew count as begun or ended, so the next
// frame reports them; without it they are ignored until they lift.
func (d *Decoder) load(s Snapshot, adopt bool) {
	d.touchBtn, d.leftBtn = s.Touching, false
	d.x, d.y = s.X, s.Y
	if !adopt {
		d.waitRelease = s.Touching
	}
	if len(s.Slots) == 0 {
		return
	}
	d.multiTouch = true
	d.slot = s.Slot
	for i := range d.slots {
		st := SlotState{TrackingID: -1}
		if i < len(s.Slots) {
			st = s.Slots[i]
		}
		sl := &d.slots[i]
		if adopt {
			sl.track(st.TrackingID)
		} else {
			sl.id = max(st.TrackingID, -1)
		}
		sl.x, sl.y = st.X, st.Y
	}
}

// frame reports what changed by the SYN_REPORT that ended it.
func (d *Decoder) frame() {
	if d.multiTouch {
		d.frameMulti()
	} else {
		d.frameSingle()
	}
	for i := range d.slots {
		d.slots[i].began, d.slots[i].ended = false, false
	}
}

func (d *Decoder) frameSingle() {
	held := d.touchBtn || d.leftBtn
	if d.waitRelease {
		d.waitRelease = held
		return
	}
	d.report(held, d.single.point(d.x, d.y))
}

func (d *Decoder) frameMulti() {
	if p := d.primary; p >= 0 {
		s := &d.slots[p]
		if s.ended || s.id < 0 {
			d.report(false, d.at) // a lifted contact has no position
			d.primary = -1
		} else {
			d.report(true, d.multi.point(s.x, s.y))
		}
	}
	if d.primary >= 0 {
		return
	}
	for i := range d.slots {
		if s := &d.slots[i]; s.began && s.id >= 0 {
			d.primary = i
			d.report(true, d.multi.point(s.x, s.y))
			return
		}
	}
}

// report moves the followed finger to (down, at), queueing the event that
// takes it there, if any.
func (d *Decoder) report(down bool, at image.Point) {
	switch {
	case down && !d.down:
		d.queue = append(d.queue, touch.Event{Kind: touch.Down, At: at})
	case down && at != d.at:
		d.queue = append(d.queue, touch.Event{Kind: touch.Move, At: at})
	case !down && d.down:
		d.queue = append(d.queue, touch.Event{Kind: touch.Up, At: at})
	default:
		return
	}
	d.down, d.at = down, at
}
