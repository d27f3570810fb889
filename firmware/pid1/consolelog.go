package pid1

import "sync"

// DefaultRingSize is the console log kept for the POS to fetch: 64 KiB.
const DefaultRingSize = 64 << 10

// Ring keeps the last Size bytes written to it: the console log PID 1 and
// the firmware write, for the POS to fetch after a problem. It is an
// io.Writer safe for concurrent use; writes never fail or block on a
// reader. The zero value keeps nothing; use NewRing.
type Ring struct {
	mu    sync.Mutex
	buf   []byte
	next  int  // where the next byte goes
	full  bool // buf has wrapped at least once
	total int64
}

// NewRing returns a ring keeping the last size bytes (DefaultRingSize
// when size <= 0).
func NewRing(size int) *Ring {
	if size <= 0 {
		size = DefaultRingSize
	}
	return &Ring{buf: make([]byte, size)}
}

// Write keeps the tail of p. It always reports len(p) written.
func (r *Ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(p)
	r.total += int64(n)
	if len(r.buf) == 0 {
		return n, nil
	}
	if len(p) > len(r.buf) {
		p = p[len(p)-len(r.buf):]
	}
	for len(p) > 0 {
		c := copy(r.buf[r.next:], p)
		p = p[c:]
		r.next += c
		if r.next == len(r.buf) {
			r.next, r.full = 0, true
		}
	}
	return n, nil
}

// Bytes returns a copy of what is kept, oldest first.
func (r *Ring) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]byte(nil), r.buf[:r.next]...)
	}
	out := make([]byte, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

// Written is the number of bytes ever written, kept or not.
func (r *Ring) Written() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}
