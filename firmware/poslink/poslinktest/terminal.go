// Package poslinktest provides a scriptable poslink.Terminal for tests of
// the link and of POS code that talks to it.
package poslinktest

import (
	"context"
	"sync"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
)

var (
	_ poslink.Terminal       = (*Terminal)(nil)
	_ poslink.DocumentShower = (*Terminal)(nil)
)

// Terminal records every call and answers it with the matching Func
// field, or with the default documented on the field when it is nil. The
// zero value is ready. Safe for concurrent use; set the Funcs before the
// first call.
type Terminal struct {
	// PaymentFunc default: approved, Hash o.Hash(), Reference
	// "REF-"+ServiceID.
	PaymentFunc func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result
	// AcquireFunc default: approved, method "code", Code DefaultCode, Hash
	// o.Hash(), Signature "sig-"+ServiceID.
	AcquireFunc func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result
	// OutcomeFunc default: nil.
	OutcomeFunc func(ctx context.Context, c poslink.Call, o poslink.RelayOutcome) error
	// AbortFunc default: nothing.
	AbortFunc func(ctx context.Context, c poslink.Call, ref poslink.MessageReference, reason string)
	// ConfirmFunc default: true, nil.
	ConfirmFunc func(ctx context.Context, c poslink.Call, text string) (bool, error)
	// DisplayFunc default: nil.
	DisplayFunc func(ctx context.Context, c poslink.Call, text string) error
	// DocumentFunc default: nil.
	DocumentFunc func(ctx context.Context, c poslink.Call, d poslink.Document) error

	mu    sync.Mutex
	calls []Call
}

// DefaultCode is the credential the default AcquireFunc captures.
const DefaultCode = "283712345678901234"

// Call is one recorded call.
type Call struct {
	Method   string // "Payment", "Acquire", "Outcome", "Abort", "Confirm", "Display", "ShowDocument"
	Call     poslink.Call
	Order    order.Order              // Payment, Acquire
	Approved bool                     // Outcome
	Text     string                   // Outcome reason, Abort reason, Confirm and Display text
	Session  string                   // Outcome: RelayOutcome.Session
	Ref      poslink.MessageReference // Abort
	Document poslink.Document         // ShowDocument
}

// Calls returns the calls so far, in order.
func (t *Terminal) Calls() []Call {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Call(nil), t.calls...)
}

// Count returns how many calls of method were made.
func (t *Terminal) Count(method string) int {
	n := 0
	for _, c := range t.Calls() {
		if c.Method == method {
			n++
		}
	}
	return n
}

func (t *Terminal) record(c Call) {
	t.mu.Lock()
	t.calls = append(t.calls, c)
	t.mu.Unlock()
}

func (t *Terminal) Payment(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	t.record(Call{Method: "Payment", Call: c, Order: o})
	if t.PaymentFunc != nil {
		return t.PaymentFunc(ctx, c, o)
	}
	return poslink.Result{Approved: true, Hash: o.Hash(), Reference: "REF-" + c.ServiceID}
}

func (t *Terminal) Acquire(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	t.record(Call{Method: "Acquire", Call: c, Order: o})
	if t.AcquireFunc != nil {
		return t.AcquireFunc(ctx, c, o)
	}
	return poslink.Result{Approved: true, Hash: o.Hash(), Method: "code", Code: DefaultCode, Signature: "sig-" + c.ServiceID}
}

func (t *Terminal) Outcome(ctx context.Context, c poslink.Call, o poslink.RelayOutcome) error {
	t.record(Call{Method: "Outcome", Call: c, Approved: o.Approved, Text: o.Reason, Session: o.Session})
	if t.OutcomeFunc != nil {
		return t.OutcomeFunc(ctx, c, o)
	}
	return nil
}

func (t *Terminal) Abort(ctx context.Context, c poslink.Call, ref poslink.MessageReference, reason string) {
	t.record(Call{Method: "Abort", Call: c, Text: reason, Ref: ref})
	if t.AbortFunc != nil {
		t.AbortFunc(ctx, c, ref, reason)
	}
}

func (t *Terminal) Confirm(ctx context.Context, c poslink.Call, text string) (bool, error) {
	t.record(Call{Method: "Confirm", Call: c, Text: text})
	if t.ConfirmFunc != nil {
		return t.ConfirmFunc(ctx, c, text)
	}
	return true, nil
}

func (t *Terminal) Display(ctx context.Context, c poslink.Call, text string) error {
	t.record(Call{Method: "Display", Call: c, Text: text})
	if t.DisplayFunc != nil {
		return t.DisplayFunc(ctx, c, text)
	}
	return nil
}

// Blocking returns a PaymentFunc/AcquireFunc that signals entered (if not
// nil) and then waits for ctx to end, returning a refusal without a
// condition: the link fills in Aborted when an AbortRequest ended it.
func Blocking(entered chan<- poslink.Call) func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
	return func(ctx context.Context, c poslink.Call, o order.Order) poslink.Result {
		if entered != nil {
			entered <- c
		}
		<-ctx.Done()
		return poslink.Result{}
	}
}

func (t *Terminal) ShowDocument(ctx context.Context, c poslink.Call, d poslink.Document) error {
	t.record(Call{Method: "ShowDocument", Call: c, Document: d})
	if t.DocumentFunc != nil {
		return t.DocumentFunc(ctx, c, d)
	}
	return nil
}
