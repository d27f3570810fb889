package uart

import "fmt"

// DefaultMaxLen is the longest code accepted when Options.MaxLen is zero,
// in bytes. Payment codes are 16–24 digits; QR payloads rarely exceed 200.
const DefaultMaxLen = 256

// Verdict is what became of one line from the module.
type Verdict int

const (
	// Code is a whole line of printable ASCII within the length limit.
	Code Verdict = iota
	// TooLong is a line over the length limit, discarded whole.
	TooLong
	// Noise is a line holding a byte outside printable ASCII (0x20–0x7E),
	// discarded whole: a garbled code must never reach payment.
	Noise
	// Partial is an unterminated line cut off by the inter-character
	// time-out or the end of input, discarded.
	Partial
)

func (v Verdict) String() string {
	switch v {
	case Code:
		return "code"
	case TooLong:
		return "too long"
	case Noise:
		return "noise"
	case Partial:
		return "partial"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Line is one line from the module.
type Line struct {
	Verdict Verdict
	// Code is the line without its terminator; empty unless Verdict is Code.
	Code string
	// Len is the line's length in bytes without its terminator, also for
	// discarded lines (for logs).
	Len int
}

// framer cuts a byte stream into lines. CR or LF ends a line, so CR, LF
// and CR LF terminators all work; empty lines (the LF of CR LF) are
// skipped. The zero value is not usable: set max.
type framer struct {
	max   int    // longest line accepted, bytes
	buf   []byte // the current line while it fits in max
	n     int    // bytes in the current line, possibly beyond max
	noisy bool   // the current line holds a non-printable byte
}

func newFramer(max int) *framer {
	if max <= 0 {
		max = DefaultMaxLen
	}
	return &framer{max: max, buf: make([]byte, 0, max)}
}

// feed takes one byte and returns the line it ends, if it ends one.
func (f *framer) feed(b byte) (Line, bool) {
	if b == '\r' || b == '\n' {
		if f.n == 0 {
			return Line{}, false
		}
		return f.end(false), true
	}
	f.n++
	switch {
	case f.n > f.max:
		// Over-long: stop storing, keep counting until the terminator.
	case b < 0x20 || b > 0x7e:
		f.noisy = true
	default:
		f.buf = append(f.buf, b)
	}
	return Line{}, false
}

// pending reports whether part of a line has been read.
func (f *framer) pending() bool { return f.n > 0 }

// flush discards the unterminated current line, if any, and reports it.
func (f *framer) flush() (Line, bool) {
	if f.n == 0 {
		return Line{}, false
	}
	return f.end(true), true
}

// end closes the current line and resets for the next.
func (f *framer) end(cut bool) Line {
	l := Line{Len: f.n}
	switch {
	case f.n > f.max:
		l.Verdict = TooLong
	case f.noisy:
		l.Verdict = Noise
	case cut:
		l.Verdict = Partial
	default:
		l.Verdict, l.Code = Code, string(f.buf)
	}
	f.buf, f.n, f.noisy = f.buf[:0], 0, false
	return l
}
