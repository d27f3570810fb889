package stream

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
)

// Client is the POS's side: it sends requests on a Conn and pairs each
// response with its request by the frame ID, so requests may overlap (an
// Abort sent while a Payment waits) and responses may come in any order.
// The Client owns the Conn's receive side: nobody else may call Recv.
type Client struct {
	conn   *Conn
	cancel context.CancelFunc
	done   chan struct{} // closed when the receive loop ends
	err    error         // why it ended; read after done closes

	mu      sync.Mutex
	pending map[uint32]chan []byte // by request ID
	lastID  uint32
}

// NewClient starts receiving responses on conn. Close the Client to stop;
// conn stays open.
func NewClient(conn *Conn) *Client {
	ctx, cancel := context.WithCancel(context.Background())
	cl := &Client{
		conn:    conn,
		cancel:  cancel,
		done:    make(chan struct{}),
		pending: make(map[uint32]chan []byte),
		lastID:  rand.Uint32(), // so a restarted POS does not reuse a pending ID
	}
	go cl.receive(ctx)
	return cl
}

// RoundTrip sends request and returns its response. If ctx ends first,
// the request may still have reached the terminal and its late response
// is dropped: repeat it with the same nexo ServiceID to have the terminal
// answer from its store.
func (cl *Client) RoundTrip(ctx context.Context, request []byte) ([]byte, error) {
	select {
	case <-cl.done:
		return nil, fmt.Errorf("stream: round trip: %w", cl.err)
	default:
	}
	id, ch := cl.register()
	defer cl.unregister(id)
	if err := cl.conn.SendMessage(ctx, Message{ID: id, Payload: request}); err != nil {
		return nil, fmt.Errorf("stream: round trip %d: %w", id, err)
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("stream: round trip %d: %w", id, ctx.Err())
	case <-cl.done:
		return nil, fmt.Errorf("stream: round trip %d: %w", id, cl.err)
	}
}

// Close stops receiving; pending round trips fail with ErrClosed. It does
// not close the Conn.
func (cl *Client) Close() error {
	cl.cancel()
	<-cl.done
	return nil
}

func (cl *Client) register() (uint32, chan []byte) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for {
		cl.lastID++
		if _, busy := cl.pending[cl.lastID]; cl.lastID != 0 && !busy {
			break
		}
	}
	ch := make(chan []byte, 1)
	cl.pending[cl.lastID] = ch
	return cl.lastID, ch
}

func (cl *Client) unregister(id uint32) {
	cl.mu.Lock()
	delete(cl.pending, id)
	cl.mu.Unlock()
}

// receive hands each response to the round trip waiting for its ID.
func (cl *Client) receive(ctx context.Context) {
	defer close(cl.done)
	for {
		m, err := cl.conn.RecvMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				err = ErrClosed
			}
			cl.err = err
			return
		}
		cl.mu.Lock()
		ch, ok := cl.pending[m.ID]
		delete(cl.pending, m.ID)
		cl.mu.Unlock()
		if !ok {
			cl.conn.log.Warn("stream: response to no pending request dropped", "id", m.ID)
			continue
		}
		ch <- m.Payload // room for one, and each ID is answered once
	}
}
