package powerkey

import (
	"context"
	"io"
)

// watch reads presses from src until ctx ends or reading fails, then
// closes src and the channel. The channel holds one press: presses the
// receiver has not taken yet merge, since a second press of a power key
// asks for nothing more than the first.
func watch(ctx context.Context, src io.ReadCloser) <-chan struct{} {
	ch := make(chan struct{}, 1)
	// Closing a file the poller knows unblocks its pending read.
	stop := context.AfterFunc(ctx, func() { src.Close() })
	go func() {
		defer close(ch)
		dec := NewDecoder(src)
		for dec.Next() == nil {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
		if stop() {
			src.Close()
		}
	}()
	return ch
}
