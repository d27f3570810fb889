package stream

import (
	"errors"
	"time"
)

// decoder turns chunks of a byte stream into frames. It holds at most one
// frame's worth of unread bytes plus the last chunk, because DecodeFrame
// only asks for more when a checked header promises a payload within the
// limit. It is pure: time comes in with each chunk.
type decoder struct {
	buf        []byte // unread bytes are buf[off:]
	off        int
	maxPayload int
	gap        time.Duration // discard a partial frame older than this; ≤ 0: never
	last       time.Time     // since when the line may have been silent
}

func newDecoder(maxPayload int, gap time.Duration) *decoder {
	return &decoder{maxPayload: maxPayload, gap: gap}
}

// asking says the reader asks the line for more at now. Time before it,
// when the reader was busy (its CPU taken by an install, say), is not
// silence on the line: the bytes of a frame may have been waiting in the
// driver all along, and discarding them would lose a good frame.
func (d *decoder) asking(now time.Time) {
	if now.After(d.last) {
		d.last = now
	}
}

// feed adds a chunk that arrived at now. It returns the number of bytes of
// a partial frame it discarded because the stream had been silent for
// longer than the inter-byte timeout.
func (d *decoder) feed(p []byte, now time.Time) (discarded int) {
	if d.gap > 0 && d.off < len(d.buf) && now.Sub(d.last) > d.gap {
		discarded = len(d.buf) - d.off
		d.buf, d.off = d.buf[:0], 0
	}
	d.last = now
	// Compact before growing, so the buffer does not creep forward.
	if d.off > 0 {
		d.buf = d.buf[:copy(d.buf, d.buf[d.off:])]
		d.off = 0
	}
	d.buf = append(d.buf, p...)
	return discarded
}

// next returns the next frame or decoding failure (err), and ok = false when the
// buffered bytes are exhausted or hold only the start of a frame. A
// frame's Payload is valid until the next call to feed.
func (d *decoder) next() (f Frame, ok bool, err error) {
	if d.off == len(d.buf) {
		return Frame{}, false, nil
	}
	f, n, err := DecodeFrame(d.buf[d.off:], d.maxPayload)
	if errors.Is(err, ErrShort) {
		return Frame{}, false, nil
	}
	d.off += n
	return f, true, err
}

// pending is the number of buffered bytes not yet decoded.
func (d *decoder) pending() int { return len(d.buf) - d.off }
