package stream

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// end is one end of an in-memory link: it reads what the other end wrote
// (after the middleman) and writes for the other end to read.
type end struct {
	r *io.PipeReader
	w *io.PipeWriter
	// wrap, if set, changes how the Conn sees reads (iotest readers).
	wrap io.Reader
}

func (e *end) Read(p []byte) (int, error) {
	if e.wrap != nil {
		return e.wrap.Read(p)
	}
	return e.r.Read(p)
}
func (e *end) Write(p []byte) (int, error) { return e.w.Write(p) }
func (e *end) Close() error                { return errors.Join(e.w.Close(), e.r.Close()) }

// middleman copies one direction of a link; it must return when src ends.
type middleman func(dst io.Writer, src io.Reader)

func straight(dst io.Writer, src io.Reader) { io.Copy(dst, src) }

// link returns two connected ends; each direction passes through its
// middleman (nil: straight through).
func link(aToB, bToA middleman) (a, b *end) {
	if aToB == nil {
		aToB = straight
	}
	if bToA == nil {
		bToA = straight
	}
	aIn, aOut := io.Pipe() // a writes aOut; the middleman reads aIn
	bIn, bOut := io.Pipe()
	toB, toBOut := io.Pipe() // the middleman writes toBOut; b reads toB
	toA, toAOut := io.Pipe()
	go func() { aToB(toBOut, aIn); toBOut.Close(); aIn.Close() }()
	go func() { bToA(toAOut, bIn); toAOut.Close(); bIn.Close() }()
	return &end{r: toA, w: aOut}, &end{r: toB, w: bOut}
}

// faults counts what a noisy middleman did.
type faults struct {
	dropped, duplicated, flipped, truncated, noise atomic.Int64
}

func (f *faults) total() int64 {
	return f.dropped.Load() + f.duplicated.Load() + f.flipped.Load() + f.truncated.Load() + f.noise.Load()
}

// noisy returns a middleman that damages about a third of the frames it
// passes: it drops, duplicates, truncates or flips a bit in whole frames
// and throws in noise (sometimes holding STX) between them. Its choices
// come from seed, so a failure can be replayed.
func noisy(seed uint64, count *faults) middleman {
	return func(dst io.Writer, src io.Reader) {
		rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		var buf []byte
		chunk := make([]byte, 4096)
		for {
			n, err := src.Read(chunk)
			buf = append(buf, chunk[:n]...)
			for {
				_, used, derr := DecodeFrame(buf, MaxPayload)
				if errors.Is(derr, ErrShort) {
					break
				}
				frame := append([]byte(nil), buf[:used]...)
				buf = buf[used:]
				if derr != nil { // the sender's stream is clean; pass anything odd on
					dst.Write(frame)
					continue
				}
				switch p := rng.IntN(100); {
				case p < 8:
					count.dropped.Add(1)
				case p < 16:
					count.duplicated.Add(1)
					dst.Write(frame)
					dst.Write(frame)
				case p < 24:
					count.flipped.Add(1)
					frame[rng.IntN(len(frame))] ^= 1 << rng.IntN(8)
					dst.Write(frame)
				case p < 28:
					count.truncated.Add(1)
					dst.Write(frame[:rng.IntN(len(frame))])
				case p < 32:
					count.noise.Add(1)
					junk := make([]byte, 1+rng.IntN(40))
					for i := range junk {
						junk[i] = byte(rng.UintN(256))
					}
					junk[rng.IntN(len(junk))] = STX
					dst.Write(junk)
					dst.Write(frame)
				default:
					dst.Write(frame)
				}
			}
			if err != nil {
				return
			}
		}
	}
}

// fastOptions suit in-memory links: short timeouts, many tries, so that
// a noisy link is slow to give up but quick to recover.
func fastOptions() Options {
	return Options{
		AckTimeout:       20 * time.Millisecond,
		MaxTries:         200,
		InterByteTimeout: 10 * time.Millisecond,
	}
}

// testCtx is a context that ends with the test's deadline, or in a
// minute, so a hang fails instead of stalling the run.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	d := time.Now().Add(time.Minute)
	if dl, ok := t.Deadline(); ok && dl.Before(d) {
		d = dl.Add(-time.Second)
	}
	ctx, cancel := context.WithDeadline(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// conns starts a Conn on each end and closes them when the test ends.
func conns(t *testing.T, a, b io.ReadWriter, opts Options) (*Conn, *Conn) {
	t.Helper()
	ca, cb := New(a, opts), New(b, opts)
	t.Cleanup(func() { ca.Close(); cb.Close() })
	return ca, cb
}

// rawPeer is the far end of a pipe pair driven byte by byte by a test.
type rawPeer struct {
	t   *testing.T
	end *end
	dec *decoder
	mu  sync.Mutex
}

func newRawPeer(t *testing.T, e *end) *rawPeer {
	return &rawPeer{t: t, end: e, dec: newDecoder(MaxPayload, 0)}
}

// next returns the next well-formed frame the Conn wrote.
func (p *rawPeer) next() Frame {
	p.t.Helper()
	buf := make([]byte, 4096)
	for {
		f, ok, err := p.dec.next()
		if ok && err == nil {
			f.Payload = append([]byte(nil), f.Payload...)
			return f
		}
		if ok {
			p.t.Fatalf("conn wrote a bad frame: %v", err)
		}
		n, rerr := p.end.Read(buf)
		if rerr != nil {
			p.t.Fatalf("raw peer read: %v", rerr)
		}
		p.dec.feed(buf[:n], time.Time{})
	}
}

func (p *rawPeer) write(b []byte) {
	p.t.Helper()
	if _, err := p.end.Write(b); err != nil {
		p.t.Fatalf("raw peer write: %v", err)
	}
}

func (p *rawPeer) send(f Frame) {
	p.t.Helper()
	b, err := AppendFrame(nil, f)
	if err != nil {
		p.t.Fatal(err)
	}
	p.write(b)
}

func mustFrame(t testing.TB, f Frame) []byte {
	t.Helper()
	b, err := AppendFrame(nil, f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
