package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// serveOn starts Serve on c with handle and stops it when the test ends.
func serveOn(t *testing.T, c *Conn, handle Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, c, handle) }()
	t.Cleanup(func() { cancel(); <-done })
}

func newClient(t *testing.T, c *Conn) *Client {
	t.Helper()
	cl := NewClient(c)
	t.Cleanup(func() { cl.Close() })
	return cl
}

func echo(_ context.Context, req []byte) []byte { return append([]byte("re:"), req...) }

func TestRoundTripsPairConcurrentRequests(t *testing.T) {
	var ab, ba faults
	pos, term := link(noisy(3, &ab), noisy(4, &ba))
	cp, ct := conns(t, pos, term, fastOptions())
	// Responses come back in a scrambled order: the handler sleeps a
	// little, longer for some requests than others.
	serveOn(t, ct, func(ctx context.Context, req []byte) []byte {
		time.Sleep(time.Duration(len(req)%7) * time.Millisecond)
		return echo(ctx, req)
	})
	cl := newClient(t, cp)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := payloadFor("rt", i)
			resp, err := cl.RoundTrip(ctx, req)
			if err != nil {
				t.Errorf("round trip %d: %v", i, err)
				return
			}
			if want := echo(ctx, req); !bytes.Equal(resp, want) {
				t.Errorf("round trip %d: got %.30q, want %.30q", i, resp, want)
			}
		}()
	}
	wg.Wait()
	if ab.total() == 0 || ba.total() == 0 {
		t.Errorf("no faults injected")
	}
}

func TestAbortAnsweredWhilePaymentPending(t *testing.T) {
	pos, term := link(nil, nil)
	cp, ct := conns(t, pos, term, fastOptions())
	paying := make(chan struct{})  // the payment is with the customer
	aborted := make(chan struct{}) // the abort was handled
	release := make(chan struct{}) // the test lets the payment end
	serveOn(t, ct, func(ctx context.Context, req []byte) []byte {
		switch string(req) {
		case "payment":
			close(paying)
			<-release
			select {
			case <-aborted:
				return []byte("payment: aborted")
			default:
				return []byte("payment: no abort seen")
			}
		case "abort":
			close(aborted)
			return []byte("abort: done")
		}
		return nil
	})
	cl := newClient(t, cp)
	ctx := testCtx(t)

	type result struct {
		resp []byte
		err  error
	}
	payment := make(chan result, 1)
	go func() {
		resp, err := cl.RoundTrip(ctx, []byte("payment"))
		payment <- result{resp, err}
	}()
	<-paying
	resp, err := cl.RoundTrip(ctx, []byte("abort"))
	if err != nil || string(resp) != "abort: done" {
		t.Fatalf("abort RoundTrip = %q, %v", resp, err)
	}
	select {
	case r := <-payment:
		t.Fatalf("payment answered before it ended: %q, %v", r.resp, r.err)
	default:
	}
	close(release)
	if r := <-payment; r.err != nil || string(r.resp) != "payment: aborted" {
		t.Fatalf("payment RoundTrip = %q, %v", r.resp, r.err)
	}
}

func TestServeAnswersNilWithEmptyResponse(t *testing.T) {
	pos, term := link(nil, nil)
	cp, ct := conns(t, pos, term, fastOptions())
	serveOn(t, ct, func(context.Context, []byte) []byte { return nil })
	resp, err := newClient(t, cp).RoundTrip(testCtx(t), []byte("notify"))
	if err != nil || len(resp) != 0 {
		t.Fatalf("RoundTrip = %q, %v; want an empty response", resp, err)
	}
}

func TestLateResponseIsNotTakenForAnother(t *testing.T) {
	pos, term := link(nil, nil)
	cp, ct := conns(t, pos, term, fastOptions())
	release := make(chan struct{})
	slowDone := make(chan struct{})
	serveOn(t, ct, func(ctx context.Context, req []byte) []byte {
		if string(req) == "slow" {
			defer close(slowDone)
			<-release
		}
		return echo(ctx, req)
	})
	cl := newClient(t, cp)
	ctx := testCtx(t)

	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := cl.RoundTrip(short, []byte("slow")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow RoundTrip = %v, want DeadlineExceeded", err)
	}
	close(release)
	<-slowDone
	for i := range 3 {
		req := fmt.Appendf(nil, "fast %d", i)
		resp, err := cl.RoundTrip(ctx, req)
		if err != nil || !bytes.Equal(resp, echo(ctx, req)) {
			t.Fatalf("RoundTrip %q = %q, %v", req, resp, err)
		}
	}
}

func TestServeAndClientEnd(t *testing.T) {
	t.Run("serve returns when its context ends, after its handlers", func(t *testing.T) {
		pos, term := link(nil, nil)
		cp, ct := conns(t, pos, term, fastOptions())
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		var handlerDone bool
		var mu sync.Mutex
		done := make(chan error, 1)
		go func() {
			done <- Serve(ctx, ct, func(hctx context.Context, _ []byte) []byte {
				close(started)
				<-hctx.Done()
				mu.Lock()
				handlerDone = true
				mu.Unlock()
				return nil
			})
		}()
		go cp.Send(ctx, []byte("request"))
		<-started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Serve = %v, want Canceled", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if !handlerDone {
			t.Fatal("Serve returned before its handler")
		}
	})
	t.Run("serve returns when the conn closes", func(t *testing.T) {
		pos, term := link(nil, nil)
		_, ct := conns(t, pos, term, fastOptions())
		done := make(chan error, 1)
		go func() { done <- Serve(context.Background(), ct, echo) }()
		ct.Close()
		if err := <-done; !errors.Is(err, ErrClosed) {
			t.Fatalf("Serve = %v, want ErrClosed", err)
		}
	})
	t.Run("client close fails pending round trips", func(t *testing.T) {
		pos, term := link(nil, nil)
		cp, ct := conns(t, pos, term, fastOptions())
		serveOn(t, ct, func(ctx context.Context, _ []byte) []byte { <-ctx.Done(); return nil })
		cl := NewClient(cp)
		errs := make(chan error, 1)
		go func() { _, err := cl.RoundTrip(context.Background(), []byte("wait")); errs <- err }()
		time.Sleep(20 * time.Millisecond)
		cl.Close()
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("RoundTrip = %v, want ErrClosed", err)
		}
		if _, err := cl.RoundTrip(context.Background(), []byte("again")); !errors.Is(err, ErrClosed) {
			t.Fatalf("RoundTrip after Close = %v, want ErrClosed", err)
		}
	})
}
