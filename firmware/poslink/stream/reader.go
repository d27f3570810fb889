package stream

import (
	"errors"
	"fmt"
)

// readChunk is how much the reader asks of rw at a time.
const readChunk = 4096

// readLoop is the Conn's only reader of rw. It never blocks on anything
// but rw.Read: answers go to the writer's queue and payloads to the inbox
// without waiting, and whatever does not fit is dropped for the peer to
// retransmit.
func (c *Conn) readLoop() {
	defer close(c.readerDone)
	dec := newDecoder(c.opts.MaxPayload, c.opts.InterByteTimeout)
	recent := newRecentSeqs()
	buf := make([]byte, readChunk)
	for {
		dec.asking(c.opts.Now())
		n, err := c.rw.Read(buf)
		if n > 0 {
			if lost := dec.feed(buf[:n], c.opts.Now()); lost > 0 {
				c.log.Debug("stream: partial frame timed out", "bytes", lost)
			}
			for {
				f, ok, ferr := dec.next()
				if !ok {
					break
				}
				c.handle(f, ferr, recent)
			}
		}
		if err != nil {
			c.readErr = fmt.Errorf("%w: read: %w", ErrClosed, err)
			return
		}
	}
}

// handle acts on one decoded frame or decoding failure.
func (c *Conn) handle(f Frame, err error, recent *recentSeqs) {
	switch {
	case err == nil && f.Kind == KindData:
		if recent.has(f.Seq) {
			c.log.Debug("stream: repeat acknowledged", "seq", f.Seq)
			c.answer(KindAck, f.Seq)
			return
		}
		m := Message{ID: f.ID, Payload: append([]byte(nil), f.Payload...)}
		select {
		case c.inbox <- m:
			recent.add(f.Seq)
			c.answer(KindAck, f.Seq)
		default:
			c.log.Warn("stream: receive queue full, frame left for retransmission", "seq", f.Seq)
		}
	case err == nil:
		select {
		case c.ctrl <- f:
		default: // nobody is waiting; Send will time out and retransmit
		}
	case f.Kind == KindData && (errors.Is(err, ErrPayload) || errors.Is(err, ErrLength)):
		c.log.Debug("stream: damaged frame", "seq", f.Seq, "err", err)
		c.answer(KindNak, f.Seq)
	case errors.Is(err, ErrNoise):
		c.log.Debug("stream: noise skipped")
	default:
		c.log.Debug("stream: damaged frame", "err", err)
	}
}

// answer queues an ACK or NAK without waiting; if the writer is that far
// behind, the peer's retransmission will ask again.
func (c *Conn) answer(k Kind, seq uint32) {
	frame, _ := AppendFrame(nil, Frame{Kind: k, Seq: seq}) // cannot fail: no payload
	select {
	case c.writes <- writeJob{frame: frame}:
	default:
		c.log.Warn("stream: write queue full, answer dropped", "kind", k, "seq", seq)
	}
}
