package stream

import (
	"context"
	"fmt"
	"io"
)

// writeJob is one encoded frame for the writer goroutine. done, if not
// nil, receives the write's outcome; it must have room for one value.
type writeJob struct {
	frame []byte
	done  chan error
}

// writeLoop is the Conn's only writer of rw, so frames never interleave.
func (c *Conn) writeLoop() {
	defer close(c.writerDone)
	for {
		select {
		case j := <-c.writes:
			err := writeFull(c.rw, j.frame)
			if j.done != nil {
				j.done <- err
			} else if err != nil {
				c.log.Debug("stream: write answer", "err", err)
			}
		case <-c.closed:
			return
		}
	}
}

// write hands frame to the writer goroutine and waits for it to be
// written. If ctx ends first the frame may still go out.
func (c *Conn) write(ctx context.Context, frame []byte) error {
	j := writeJob{frame: frame, done: make(chan error, 1)}
	select {
	case c.writes <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.closed:
		return ErrClosed
	}
	select {
	case err := <-j.done:
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.closed:
		return ErrClosed
	}
}

// writeFull writes all of b. Some serial drivers return a short count
// without an error when a signal interrupts a blocking write, against the
// io.Writer contract, so short writes are continued rather than trusted.
func writeFull(w io.Writer, b []byte) error {
	for len(b) > 0 {
		n, err := w.Write(b)
		if err != nil {
			return err
		}
		if n <= 0 {
			return io.ErrShortWrite
		}
		b = b[min(n, len(b)):]
	}
	return nil
}
