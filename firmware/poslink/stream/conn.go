package stream

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Message is a payload and the request ID its frame carries.
type Message struct {
	ID      uint32 // pairs a response with its request; 0: none
	Payload []byte
}

// Conn is one end of a framed link; both ends are alike. It owns a reader
// goroutine, which decodes, acknowledges and queues incoming frames, and a
// writer goroutine, so that reading never waits on writing (on an
// unbuffered pipe two readers writing ACKs to each other would deadlock).
//
// Send and Recv may be called concurrently; concurrent Sends take turns,
// one frame in flight at a time.
type Conn struct {
	rw   io.ReadWriter
	opts Options
	log  *slog.Logger

	writes  chan writeJob // to the writer goroutine
	ctrl    chan Frame    // ACKs and NAKs, to the Send in flight
	inbox   chan Message  // delivered payloads, to Recv
	sending chan struct{} // holds a token while a Send is in flight
	nextSeq uint32        // owned by the Send holding the token

	closed     chan struct{}
	closeOnce  sync.Once
	closeErr   error
	readerDone chan struct{}
	readErr    error // why the reader ended; read after readerDone closes
	writerDone chan struct{}
}

// New starts a Conn on rw. Close it to stop its goroutines.
func New(rw io.ReadWriter, opts Options) *Conn {
	opts = opts.withDefaults()
	c := &Conn{
		rw:         rw,
		opts:       opts,
		log:        opts.Logger,
		writes:     make(chan writeJob, 64),
		ctrl:       make(chan Frame, 16),
		inbox:      make(chan Message, opts.RecvQueue),
		sending:    make(chan struct{}, 1),
		nextSeq:    opts.FirstSeq,
		closed:     make(chan struct{}),
		readerDone: make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	go c.readLoop()
	go c.writeLoop()
	return c
}

// Send sends payload with no request ID; see SendMessage.
func (c *Conn) Send(ctx context.Context, payload []byte) error {
	return c.SendMessage(ctx, Message{Payload: payload})
}

// Recv returns the next payload; see RecvMessage.
func (c *Conn) Recv(ctx context.Context) ([]byte, error) {
	m, err := c.RecvMessage(ctx)
	return m.Payload, err
}

// SendMessage sends m and returns once the peer has acknowledged it. On
// ErrNoAck, a cancelled ctx or ErrClosed the peer may or may not have
// received it; a repeat sent later is a new message to the peer.
func (c *Conn) SendMessage(ctx context.Context, m Message) error {
	if len(m.Payload) > c.opts.MaxPayload {
		return fmt.Errorf("stream: send %d bytes: %w", len(m.Payload), ErrTooLarge)
	}
	select {
	case c.sending <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("stream: send: %w", ctx.Err())
	case <-c.closed:
		return fmt.Errorf("stream: send: %w", ErrClosed)
	}
	defer func() { <-c.sending }()

	seq := c.nextSeq
	c.nextSeq++
	frame, err := AppendFrame(nil, Frame{Kind: KindData, Seq: seq, ID: m.ID, Payload: m.Payload})
	if err != nil {
		return err
	}
	c.drainCtrl()
	for try := 1; try <= c.opts.MaxTries; try++ {
		if try > 1 {
			c.log.Debug("stream: retransmit", "seq", seq, "try", try)
		}
		if err := c.write(ctx, frame); err != nil {
			return fmt.Errorf("stream: send seq %d: %w", seq, err)
		}
		acked, err := c.awaitAnswer(ctx, seq, c.ackWait(len(frame)))
		if err != nil {
			return fmt.Errorf("stream: send seq %d: %w", seq, err)
		}
		if acked {
			return nil
		}
	}
	c.log.Warn("stream: no ack", "seq", seq, "tries", c.opts.MaxTries)
	return fmt.Errorf("stream: send seq %d after %d tries: %w", seq, c.opts.MaxTries, ErrNoAck)
}

// RecvMessage returns the next delivered message, in the order the peer
// sent them. It fails when ctx ends, when the Conn is closed, or when the
// reader has ended (the stream hit EOF or an error) and nothing is queued.
func (c *Conn) RecvMessage(ctx context.Context) (Message, error) {
	select {
	case m := <-c.inbox:
		return m, nil
	default:
	}
	select {
	case m := <-c.inbox:
		return m, nil
	case <-ctx.Done():
		return Message{}, fmt.Errorf("stream: recv: %w", ctx.Err())
	case <-c.closed:
		return Message{}, fmt.Errorf("stream: recv: %w", ErrClosed)
	case <-c.readerDone:
		select {
		case m := <-c.inbox:
			return m, nil
		default:
			return Message{}, fmt.Errorf("stream: recv: %w", c.readErr)
		}
	}
}

// Close stops the Conn: pending and later Sends and Recvs fail with
// ErrClosed. If rw is an io.Closer, Close closes it, which unblocks the
// reader, and waits for both goroutines to end; otherwise they end at the
// next read or write that returns. Close may be called more than once.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		if cl, ok := c.rw.(io.Closer); ok {
			if err := cl.Close(); err != nil {
				c.closeErr = fmt.Errorf("stream: close: %w", err)
			}
			<-c.readerDone
			<-c.writerDone
		}
	})
	return c.closeErr
}

// ackWait is how long to wait for the answer to a frame of n bytes:
// AckTimeout after the frame has crossed the wire.
func (c *Conn) ackWait(n int) time.Duration {
	if c.opts.ByteRate <= 0 {
		return c.opts.AckTimeout
	}
	return c.opts.AckTimeout + time.Duration(n)*time.Second/time.Duration(c.opts.ByteRate)
}

// awaitAnswer waits for the ACK (true) or NAK (false) of seq, or for
// wait to pass (false).
func (c *Conn) awaitAnswer(ctx context.Context, seq uint32, wait time.Duration) (acked bool, err error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case f := <-c.ctrl:
			if f.Seq != seq {
				continue // a late answer to an earlier frame
			}
			if f.Kind == KindNak {
				c.log.Debug("stream: nak", "seq", seq)
			}
			return f.Kind == KindAck, nil
		case <-timer.C:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		case <-c.closed:
			return false, ErrClosed
		case <-c.readerDone:
			return false, c.readErr
		}
	}
}

// drainCtrl drops answers left over from earlier frames.
func (c *Conn) drainCtrl() {
	for {
		select {
		case <-c.ctrl:
		default:
			return
		}
	}
}
