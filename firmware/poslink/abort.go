package poslink

import (
	"context"
	"errors"
	"sync"
)

// errAbortRequested is the cause of a Terminal call's context when an
// AbortRequest ended it (context.Cause tells it from a hang-up).
var errAbortRequested = errors.New("poslink: aborted by the POS (AbortRequest)")

// AbortRequested reports whether ctx, a Terminal call's context, was
// ended by the POS's AbortRequest rather than by the POS hanging up.
func AbortRequested(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errAbortRequested)
}

// pending tracks the Terminal calls in progress so that an AbortRequest,
// which arrives on another connection, can end them. The zero value is
// ready.
type pending struct {
	mu    sync.Mutex
	calls map[string]map[*pendingCall]struct{} // by SaleID
}

type pendingCall struct {
	saleID, serviceID string
	key               string // Call.Key: only an Abort under the same key ends it
	category          string
	cancel            context.CancelCauseFunc
	aborted           bool   // guarded by pending.mu
	reason            string // AbortReason, guarded by pending.mu
}

// start registers the call of r and returns the context to make it with.
func (p *pending) start(ctx context.Context, r *request) (context.Context, *pendingCall) {
	ctx, cancel := context.WithCancelCause(ctx)
	saleID := r.hdr.SaleID
	c := &pendingCall{saleID: saleID, serviceID: r.hdr.ServiceID, key: r.keyName(), category: r.hdr.MessageCategory, cancel: cancel}
	p.mu.Lock()
	if p.calls == nil {
		p.calls = make(map[string]map[*pendingCall]struct{})
	}
	if p.calls[saleID] == nil {
		p.calls[saleID] = make(map[*pendingCall]struct{})
	}
	p.calls[saleID][c] = struct{}{}
	p.mu.Unlock()
	return ctx, c
}

// finish unregisters a call and releases its context.
func (p *pending) finish(c *pendingCall) {
	p.mu.Lock()
	if m := p.calls[c.saleID]; m != nil {
		delete(m, c)
		if len(m) == 0 {
			delete(p.calls, c.saleID)
		}
	}
	p.mu.Unlock()
	c.cancel(context.Canceled)
}

// wasAborted reports whether an AbortRequest ended c, and its reason.
func (p *pending) wasAborted(c *pendingCall) (bool, string) {
	if c == nil {
		return false, ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return c.aborted, c.reason
}

// abort ends the calls of saleID made under key — only those ref names
// by ServiceID and MessageCategory, when given — and returns how many it
// ended. A call under another key is never ended: two POSes that share a
// SaleID by mistake or by malice cannot end each other's requests.
func (p *pending) abort(saleID, key string, ref MessageReference, reason string) int {
	p.mu.Lock()
	var ended []*pendingCall
	for c := range p.calls[saleID] {
		if c.key == key && (ref.ServiceID == "" || c.serviceID == ref.ServiceID) &&
			(ref.MessageCategory == "" || c.category == ref.MessageCategory) {
			c.aborted, c.reason = true, reason
			ended = append(ended, c)
		}
	}
	p.mu.Unlock()
	for _, c := range ended {
		c.cancel(errAbortRequested)
	}
	return len(ended)
}

// abort handles an AbortRequest: it ends the link's pending calls of the
// same SaleID and key that MessageReference names (its ServiceID and
// MessageCategory, when given) and tells the Terminal, whose session may
// outlive the call (relay mode awaits the outcome); the Terminal ends it
// only for its owner (Call.SaleID and Call.Key) and the reference. Like
// Adyen's terminals it sends no response.
func (s *Server) abort(ctx context.Context, r *request) []byte {
	a := r.body.(*AbortRequest)
	reason := a.AbortReason
	if reason == "" {
		reason = "aborted by the POS"
	}
	ref := a.MessageReference
	ref.SaleID = r.hdr.SaleID
	n := s.pending.abort(r.hdr.SaleID, r.keyName(), ref, reason)
	s.log.Info("abort", "sale", r.hdr.SaleID, "service", ref.ServiceID, "category", ref.MessageCategory,
		"reason", reason, "calls", n)
	s.term.Abort(ctx, s.call(r, nil), ref, reason)
	return nil
}
