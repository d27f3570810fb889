package checkout

// Record kinds written in Journal effects.
const (
	RecordReceived  = "received"  // an order was accepted and shown (Detail "corrected" for a correction)
	RecordRefused   = "refused"   // the POS's order was refused as invalid
	RecordFlagged   = "flagged"   // the customer reported lines (Detail lists them)
	RecordConfirmed = "confirmed" // the customer confirmed Hash
	RecordCaptured  = "captured"  // a credential was taken for Hash (never the credential itself)
	RecordAttempt   = "attempt"   // a charge attempt (Ref) is about to leave; written before it does
	RecordOutcome   = "outcome"   // the charge's result
	RecordCancelled = "cancelled" // the customer cancelled
	RecordAborted   = "aborted"   // the POS or operator aborted the session
	RecordTimeout   = "timeout"   // a phase timed out (Detail names it)
)

// Reasons given in Reply effects; the firmware maps them to nexo error
// conditions, so they are stable.
const (
	ReasonBusy      = "busy"                  // ReplyRefused: another session or a question is active
	ReasonTimeout   = "timeout"               // ReplyResult, ReplyAnswer: the session or question timed out
	ReasonCancelled = "cancelled by customer" // ReplyResult: the customer cancelled
	ReasonAborted   = "aborted"               // ReplyResult, ReplyAnswer: prefix, followed by ": " and the Abort's reason
	ReasonResolving = "resolving an earlier payment interrupted by a restart"
	ReasonNoMethod  = "no payment method: this terminal has no reader fitted"
)
