// Package streamtest is a simulated serial line for tests of the framed
// link: two connected ends whose bytes travel at a UART's byte rate (or
// at once), counted per direction, and a cable that can be pulled.
package streamtest

import (
	"errors"
	"io"
	"sync"
	"time"
)

// Line is a simulated cable between two ends, A and B.
type Line struct {
	A, B *End
}

// End is one end of a Line: it reads what the other end wrote.
type End struct {
	in   *pipe // what this end reads
	out  *pipe // what this end writes
	line *Line
}

// NewLine returns a line delivering rate bytes a second in each
// direction (0: at once). Writes return as soon as the bytes are queued,
// as into a serial driver's buffer, so a large frame is still on the
// wire long after its Write returned.
func NewLine(rate int) *Line {
	ab, ba := newPipe(rate), newPipe(rate)
	l := &Line{}
	l.A = &End{in: ba, out: ab, line: l}
	l.B = &End{in: ab, out: ba, line: l}
	return l
}

// Cut pulls the cable: both ends' reads and writes fail from now on.
func (l *Line) Cut() {
	l.A.in.close()
	l.B.in.close()
}

func (e *End) Read(p []byte) (int, error)  { return e.in.read(p) }
func (e *End) Write(p []byte) (int, error) { return e.out.write(p) }

// Close cuts the line, as closing a port ends the link for both sides.
func (e *End) Close() error { e.line.Cut(); return nil }

// Written is how many bytes this end has written.
func (e *End) Written() int64 { return e.out.count() }

var errCut = errors.New("streamtest: line cut")

// pipe is one direction: a queue drained at the byte rate.
type pipe struct {
	rate int
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
	// ready is when the first queued byte has crossed the wire.
	ready  time.Time
	closed bool
	total  int64
}

func newPipe(rate int) *pipe {
	p := &pipe{rate: rate}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *pipe) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, errCut
	}
	if len(p.buf) == 0 {
		p.ready = time.Now()
	}
	p.buf = append(p.buf, b...)
	p.total += int64(len(b))
	p.cond.Broadcast()
	return len(b), nil
}

// read returns the bytes that have crossed the wire by now, waiting for
// at least one.
func (p *pipe) read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		if p.closed {
			return 0, io.EOF
		}
		if len(p.buf) > 0 {
			n := len(p.buf)
			if p.rate > 0 {
				arrived := int(time.Since(p.ready) * time.Duration(p.rate) / time.Second)
				if arrived < 1 {
					wait := time.Until(p.ready.Add(time.Second / time.Duration(p.rate)))
					p.mu.Unlock()
					time.Sleep(max(wait, time.Millisecond))
					p.mu.Lock()
					continue
				}
				n = min(n, arrived)
			}
			n = copy(b, p.buf[:n])
			p.buf = p.buf[n:]
			if p.rate > 0 {
				p.ready = p.ready.Add(time.Duration(n) * time.Second / time.Duration(p.rate))
			}
			return n, nil
		}
		p.cond.Wait()
	}
}

func (p *pipe) close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *pipe) count() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}
