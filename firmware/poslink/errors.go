package poslink

import (
	"context"
	"errors"
	"fmt"
)

// Errors a refused message is matched with (errors.Is). The server
// answers each with a nexo Failure whose ErrorCondition is noted here.
var (
	ErrMessageFormat      = errors.New("malformed message")                         // MessageFormat
	ErrAuthentication     = errors.New("message authentication failed")             // NotAllowed
	ErrUnknownKey         = errors.New("unknown KeyIdentifier or KeyVersion")       // NotAllowed
	ErrEncryptionRequired = errors.New("this terminal requires encrypted messages") // NotAllowed
	ErrWrongPOI           = errors.New("message is for another terminal (POIID)")   // NotAllowed
	ErrDuplicateServiceID = errors.New("duplicate ServiceID")                       // NotAllowed
	ErrUnsupported        = errors.New("unsupported message category")              // UnavailableService
	ErrTooLarge           = errors.New("message too large")                         // no header: rejected
	// ErrNoReply: the reply could not be sealed, and a reply meant to be
	// sealed never goes out in the clear. HTTPS answers 500 with no
	// message; a byte stream gets an empty reply.
	ErrNoReply = errors.New("reply could not be sealed")
)

// ErrHashMismatch is returned by Client.Acquire and Client.Payment when the
// terminal reports a confirmed order hash other than the order sent: the
// credential must not be charged for this order.
var ErrHashMismatch = errors.New("poslink: terminal confirmed a different order hash")

// ConditionError lets a Terminal choose the nexo ErrorCondition for a
// failed Outcome, Confirm or Display ("Busy", "NotAllowed", ...); other
// errors are answered with Busy, except context errors (Aborted, or
// Cancel on a timeout).
type ConditionError struct {
	Condition string // nexo ErrorCondition
	Reason    string // readable, for AdditionalResponse
}

func (e *ConditionError) Error() string { return e.Condition + ": " + e.Reason }

// ResponseError is a nexo Failure received by the Client for a message
// whose answer is not a Result (Display, Input, Abort, a rejection).
type ResponseError struct {
	Category  string // MessageCategory of the request
	Condition string // ErrorCondition, or "Reject" for an EventNotification
	Reason    string // AdditionalResponse message, if any
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("poslink: %s failed: %s: %s", e.Category, e.Condition, e.Reason)
}

// refusal is a request the server answers with a nexo Failure.
type refusal struct {
	cond string // nexo ErrorCondition
	err  error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

func refuse(cond string, err error) *refusal { return &refusal{cond: cond, err: err} }

// conditionOf picks the ErrorCondition for an error from a Terminal call.
func conditionOf(err error) (cond, reason string) {
	var ce *ConditionError
	switch {
	case errors.As(err, &ce):
		return ce.Condition, ce.Reason
	case errors.Is(err, context.DeadlineExceeded):
		return CondCancel, "timed out"
	case errors.Is(err, context.Canceled):
		return CondAborted, "aborted"
	}
	return CondBusy, err.Error()
}
