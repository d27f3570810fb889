package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"testing/iotest"
	"time"
)

// payloadFor makes the i-th test payload: distinct, of varied length,
// holding STX and ETX bytes now and then.
func payloadFor(dir string, i int) []byte {
	p := fmt.Appendf(nil, `{"dir":%q,"n":%d,"pad":"`, dir, i)
	p = append(p, bytes.Repeat([]byte{'a' + byte(i%26)}, (i*37)%700)...)
	if i%5 == 0 {
		p = append(p, STX, ETX)
	}
	return append(p, `"}`...)
}

// exchange sends n payloads each way at once and checks that each side
// received the other's, each once, in order.
func exchange(t *testing.T, a, b *Conn, n int) {
	t.Helper()
	ctx := testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, side := range []struct {
		name     string
		from, to *Conn
	}{{"a→b", a, b}, {"b→a", b, a}} {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range n {
				if err := side.from.Send(ctx, payloadFor(side.name, i)); err != nil {
					errs <- fmt.Errorf("%s send %d: %w", side.name, i, err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := range n {
				got, err := side.to.Recv(ctx)
				if err != nil {
					errs <- fmt.Errorf("%s recv %d: %w", side.name, i, err)
					return
				}
				if want := payloadFor(side.name, i); !bytes.Equal(got, want) {
					errs <- fmt.Errorf("%s recv %d: got %.40q…, want %.40q…", side.name, i, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// Nothing more may come: every repeat must have been suppressed.
	for _, c := range []*Conn{a, b} {
		quiet, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		extra, err := c.Recv(quiet)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("after %d payloads, Recv = %.40q, %v; want nothing more", n, extra, err)
		}
	}
}

func TestConnCleanLink(t *testing.T) {
	a, b := link(nil, nil)
	ca, cb := conns(t, a, b, fastOptions())
	exchange(t, ca, cb, 50)
}

func TestConnNoisyLinkDeliversExactlyOnceInOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole reads", nil},
		{"one byte reads", iotest.OneByteReader},
		{"half reads", iotest.HalfReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ab, ba faults
			a, b := link(noisy(1, &ab), noisy(2, &ba))
			if tc.wrap != nil {
				a.wrap, b.wrap = tc.wrap(a.r), tc.wrap(b.r)
			}
			ca, cb := conns(t, a, b, fastOptions())
			exchange(t, ca, cb, 100)
			// Make sure the noise was real, each kind of it.
			for _, f := range []*faults{&ab, &ba} {
				if f.dropped.Load() == 0 || f.duplicated.Load() == 0 || f.flipped.Load() == 0 ||
					f.truncated.Load() == 0 || f.noise.Load() == 0 {
					t.Errorf("middleman missed a fault kind: dropped %d duplicated %d flipped %d truncated %d noise %d",
						f.dropped.Load(), f.duplicated.Load(), f.flipped.Load(), f.truncated.Load(), f.noise.Load())
				}
			}
			t.Logf("faults: a→b %d, b→a %d", ab.total(), ba.total())
		})
	}
}

func TestConnLargestPayload(t *testing.T) {
	a, b := link(nil, nil)
	ca, cb := conns(t, a, b, Options{})
	ctx := testCtx(t)
	want := bytes.Repeat([]byte("0123456789abcdef"), MaxPayload/16)
	go ca.Send(ctx, want)
	got, err := cb.Recv(ctx)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Recv = %d bytes, %v; want %d bytes", len(got), err, len(want))
	}
	if err := ca.Send(ctx, append(want, 'x')); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Send of MaxPayload+1 bytes: %v, want ErrTooLarge", err)
	}
	small := New(a, Options{MaxPayload: 10})
	if err := small.Send(ctx, make([]byte, 11)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Send over Options.MaxPayload: %v, want ErrTooLarge", err)
	}
}

func TestConnReceiverAnswers(t *testing.T) {
	a, b := link(nil, nil)
	c := New(a, Options{AckTimeout: time.Hour, InterByteTimeout: -1})
	t.Cleanup(func() { c.Close() })
	peer := newRawPeer(t, b)
	ctx := testCtx(t)

	good := mustFrame(t, Frame{Kind: KindData, Seq: 10, ID: 3, Payload: []byte("first")})
	damaged := mustFrame(t, Frame{Kind: KindData, Seq: 11, Payload: []byte("second")})
	damaged[headerSize] ^= 0xff
	badHeader := mustFrame(t, Frame{Kind: KindData, Seq: 12, Payload: []byte("lost")})
	badHeader[4] ^= 0xff

	peer.write(good)
	if f := peer.next(); f.Kind != KindAck || f.Seq != 10 {
		t.Fatalf("after a good frame: %v %d, want ack 10", f.Kind, f.Seq)
	}
	m, err := c.RecvMessage(ctx)
	if err != nil || string(m.Payload) != "first" || m.ID != 3 {
		t.Fatalf("RecvMessage = %q id %d, %v", m.Payload, m.ID, err)
	}

	peer.write(good) // a retransmission: ACKed again, not delivered again
	if f := peer.next(); f.Kind != KindAck || f.Seq != 10 {
		t.Fatalf("after a repeat: %v %d, want ack 10", f.Kind, f.Seq)
	}

	peer.write(damaged)
	if f := peer.next(); f.Kind != KindNak || f.Seq != 11 {
		t.Fatalf("after a damaged payload: %v %d, want nak 11", f.Kind, f.Seq)
	}

	// A bad header is not answered (its seq cannot be trusted); noise is
	// skipped; the next good frame is ACKed and delivered.
	peer.write(badHeader)
	peer.write([]byte("\x02\x00noise\x03"))
	peer.send(Frame{Kind: KindData, Seq: 11, Payload: []byte("second")})
	if f := peer.next(); f.Kind != KindAck || f.Seq != 11 {
		t.Fatalf("after a bad header and a good frame: %v %d, want ack 11", f.Kind, f.Seq)
	}
	if got, err := c.Recv(ctx); err != nil || string(got) != "second" {
		t.Fatalf("Recv = %q, %v; want second (and no repeat of first)", got, err)
	}
}

func TestConnRetransmits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(p *rawPeer, f Frame) // to each write of the frame but the last
		tries  int
	}{
		{"on nak", func(p *rawPeer, f Frame) { p.send(Frame{Kind: KindNak, Seq: f.Seq}) }, 3},
		{"on timeout", func(*rawPeer, Frame) {}, 3},
		{"ignoring answers to other frames", func(p *rawPeer, f Frame) {
			p.send(Frame{Kind: KindAck, Seq: f.Seq - 1})
			p.send(Frame{Kind: KindNak, Seq: f.Seq + 1})
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := link(nil, nil)
			opts := fastOptions()
			opts.FirstSeq = 100
			c := New(a, opts)
			t.Cleanup(func() { c.Close() })
			peer := newRawPeer(t, b)
			sent := make(chan error, 1)
			go func() { sent <- c.Send(testCtx(t), []byte("again")) }()
			for i := 1; i <= tc.tries; i++ {
				f := peer.next()
				if f.Kind != KindData || f.Seq != 100 || string(f.Payload) != "again" {
					t.Fatalf("write %d: %v seq %d %q", i, f.Kind, f.Seq, f.Payload)
				}
				if i < tc.tries {
					tc.answer(peer, f)
				} else {
					peer.send(Frame{Kind: KindAck, Seq: f.Seq})
				}
			}
			if err := <-sent; err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestConnGivesUpWithoutAck(t *testing.T) {
	a, b := link(nil, nil)
	opts := fastOptions()
	opts.MaxTries = 4
	c := New(a, opts)
	t.Cleanup(func() { c.Close() })
	var mu sync.Mutex
	var written bytes.Buffer
	go func() { // a peer that listens and never answers
		buf := make([]byte, 1024)
		for {
			n, err := b.Read(buf)
			mu.Lock()
			written.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	err := c.Send(testCtx(t), []byte("hello?"))
	if !errors.Is(err, ErrNoAck) {
		t.Fatalf("Send = %v, want ErrNoAck", err)
	}
	// The last write may still be on its way through the pipes.
	var got []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		got, _ = drain(t, bytes.NewReader(written.Bytes()), newDecoder(MaxPayload, 0))
		mu.Unlock()
		if len(got) >= opts.MaxTries {
			break
		}
	}
	if len(got) != opts.MaxTries {
		t.Fatalf("frame written %d times, want MaxTries = %d", len(got), opts.MaxTries)
	}
}

func TestConnBackpressure(t *testing.T) {
	// A receiver that does not read fills its queue; further frames are
	// left unacknowledged and arrive, once each, when it reads again.
	a, b := link(nil, nil)
	opts := fastOptions()
	opts.RecvQueue = 1
	ca, cb := conns(t, a, b, opts)
	ctx := testCtx(t)
	sent := make(chan error, 1)
	go func() {
		for i := range 5 {
			if err := ca.Send(ctx, payloadFor("bp", i)); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	time.Sleep(5 * opts.AckTimeout) // let the queue fill and retransmissions pile up
	for i := range 5 {
		got, err := cb.Recv(ctx)
		if err != nil || !bytes.Equal(got, payloadFor("bp", i)) {
			t.Fatalf("Recv %d = %.30q, %v", i, got, err)
		}
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	quiet, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if extra, err := cb.Recv(quiet); err == nil {
		t.Fatalf("extra delivery %.30q", extra)
	}
}

func TestConnEndings(t *testing.T) {
	t.Run("close wakes Recv and Send", func(t *testing.T) {
		a, _ := link(nil, nil) // the far end never reads nor answers
		ca := New(a, fastOptions())
		errs := make(chan error, 2)
		go func() { _, err := ca.Recv(context.Background()); errs <- err }()
		go func() { errs <- ca.Send(context.Background(), []byte("x")) }() // nobody answers
		time.Sleep(10 * time.Millisecond)
		if err := ca.Close(); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := <-errs; !errors.Is(err, ErrClosed) {
				t.Errorf("got %v, want ErrClosed", err)
			}
		}
		if err := ca.Send(context.Background(), []byte("y")); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after Close = %v, want ErrClosed", err)
		}
		if err := ca.Close(); err != nil {
			t.Errorf("second Close = %v", err)
		}
	})
	t.Run("peer hangs up", func(t *testing.T) {
		a, b := link(nil, nil)
		ca := New(a, fastOptions())
		t.Cleanup(func() { ca.Close() })
		b.Close()
		_, err := ca.Recv(testCtx(t))
		if !errors.Is(err, ErrClosed) || !errors.Is(err, io.EOF) {
			t.Fatalf("Recv = %v, want ErrClosed and EOF", err)
		}
	})
	t.Run("context ends", func(t *testing.T) {
		a, b := link(nil, nil)
		ca, _ := conns(t, a, b, fastOptions())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := ca.Recv(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Recv = %v, want Canceled", err)
		}
		if err := ca.Send(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %v, want Canceled", err)
		}
	})
}

func BenchmarkConnSend(b *testing.B) {
	x, y := link(nil, nil)
	cx, cy := New(x, Options{}), New(y, Options{})
	defer cx.Close()
	defer cy.Close()
	ctx := context.Background()
	payload := bytes.Repeat([]byte("x"), 1024)
	go func() {
		for {
			if _, err := cy.Recv(ctx); err != nil {
				return
			}
		}
	}()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := cx.Send(ctx, payload); err != nil {
			b.Fatal(err)
		}
	}
}
