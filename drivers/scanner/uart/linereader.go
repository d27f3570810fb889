package uart

import "io"

// LineReader reads a module's output as lines, with no time-outs: the
// framing of Scanner without the clock, for tools and tests.
type LineReader struct {
	r     io.Reader
	f     *framer
	buf   [64]byte
	rest  []byte // read but not yet framed
	err   error  // sticky read error
	empty int    // reads in a row that returned nothing
}

// NewLineReader reads lines of at most maxLen bytes (zero means
// DefaultMaxLen) from r.
func NewLineReader(r io.Reader, maxLen int) *LineReader {
	return &LineReader{r: r, f: newFramer(maxLen)}
}

// Next returns the next line, discarded ones included (see Verdict). At
// the end of input an unterminated tail comes back as Partial, then
// Next returns io.EOF; other read errors are returned as they are.
func (lr *LineReader) Next() (Line, error) {
	for {
		for len(lr.rest) > 0 {
			b := lr.rest[0]
			lr.rest = lr.rest[1:]
			if l, ok := lr.f.feed(b); ok {
				return l, nil
			}
		}
		if lr.err != nil {
			if l, ok := lr.f.flush(); ok {
				return l, nil
			}
			return Line{}, lr.err
		}
		n, err := lr.r.Read(lr.buf[:])
		lr.rest, lr.err = lr.buf[:n], err
		if n == 0 && err == nil {
			lr.empty++
			if lr.empty >= maxEmptyReads {
				lr.err = io.ErrNoProgress
			}
		} else {
			lr.empty = 0
		}
	}
}

// maxEmptyReads is how many reads in a row may return nothing before a
// reader is taken to be broken (as bufio does), so it cannot spin us.
const maxEmptyReads = 100
