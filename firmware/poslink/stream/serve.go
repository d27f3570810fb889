package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// maxInFlight bounds the requests Serve handles at once. A POS has one
// sale in progress plus an Abort, a status query or two; beyond this, Serve
// stops reading and the link's backpressure holds the POS back.
const maxInFlight = 8

// Handler answers one request payload with a response payload; nil sends
// an empty response. ctx ends when Serve returns.
type Handler func(ctx context.Context, request []byte) []byte

// Serve is the terminal's side: it receives requests on c and answers each
// with the handler's response, sent with the request's ID. Each request is
// handled in its own goroutine, so an Abort is answered while a Payment is
// still with the customer, and responses go out in whatever order the
// handlers finish; the Client pairs them by ID. Every request gets exactly
// one response (a repeated frame is suppressed by the Conn; a repeated
// nexo ServiceID is the handler's business).
//
// Serve returns when ctx ends or c stops delivering, after its handlers
// have returned; it cancels their ctx first.
func Serve(ctx context.Context, c *Conn, handle Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	slots := make(chan struct{}, maxInFlight)
	for {
		m, err := c.RecvMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("stream: serve: %w", ctx.Err())
			}
			return fmt.Errorf("stream: serve: %w", err)
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("stream: serve: %w", ctx.Err())
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			resp := handle(ctx, m.Payload)
			err := c.SendMessage(ctx, Message{ID: m.ID, Payload: resp})
			if err != nil && !errors.Is(err, context.Canceled) {
				c.log.Warn("stream: serve: response not delivered", "id", m.ID, "err", err)
			}
		}()
	}
}
