// Package checkout is the terminal's pure state machine: one entry point,
// Step(state, event) → (state, effects). Time enters only as Tick events;
// effects come out as data that the firmware performs, in order, with
// Journal effects persisted before any Reply that follows them.
//
// Within one Step's effects the order is fixed, and the firmware relies
// on it:
//
//  1. StopScanner/StopCamera first: a device stops before anything is
//     answered, so no code is read after its credential left.
//  2. Journal next: the record is persisted before the Reply or Charge it
//     explains, so every answer the POS sees is in the journal.
//  3. Reply or Charge (at most one of each).
//  4. StartScanner/StartCamera, then Beep.
//  5. Show last, at most once: the screen changes only after the rest was
//     done.
//
// It imports nothing of ours but order, and does no I/O.
package checkout

import (
	"time"

	"payterm/firmware/order"
)

// Mode says who charges the customer, per merchant.
type Mode int

const (
	// Relay (the seed): the terminal returns the captured credential, bound
	// to the confirmed order hash; the POS charges and tells the outcome.
	Relay Mode = iota
	// Direct: the terminal charges through the payment system itself; only
	// an approved charge is reported as paid.
	Direct
)

func (m Mode) String() string {
	if m == Direct {
		return "direct"
	}
	return "relay"
}

// Phase is where a checkout session stands.
type Phase int

const (
	Idle       Phase = iota // nothing to pay; idle screen
	OrderShown              // itemized order on screen; customer may confirm or mark lines
	Flagged                 // customer reported lines; the cashier is correcting the order
	Confirmed               // customer confirmed the exact order hash; choosing a method
	Capturing               // scanner or camera running for the chosen method
	Captured                // credential taken: relay awaits the outcome, direct is charging
	Done                    // result on screen until dismissed or timed out
	Refused                 // the POS's order was invalid; reason on screen briefly
	Asking                  // no payment session; the POS's yes/no question on screen (Ask)
	Reading                 // no payment session; the POS's document on screen (ShowDocument)
	// PhoneDigits: the payment system asked for the last four digits of
	// the payer's phone before it charges a face (a close call); the
	// keypad is on screen. Times out after Timeouts.Capture.
	PhoneDigits
)

var phaseNames = [...]string{"idle", "order", "flagged", "confirmed", "capturing", "captured", "done", "refused", "asking", "reading", "phone-digits"}

func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "phase?"
}

// Method is how the customer pays.
type Method int

const (
	NoMethod Method = iota
	Code            // payment code shown to the scanner (or camera without a scanner)
	Face            // face captured by the camera
)

// Reader is the device that reads a payment code.
type Reader int

const (
	NoReader Reader = iota
	ByScanner
	ByCamera
)

func (r Reader) String() string {
	switch r {
	case ByScanner:
		return "scanner"
	case ByCamera:
		return "camera"
	}
	return "none"
}

func (m Method) String() string {
	switch m {
	case Code:
		return "code"
	case Face:
		return "face"
	}
	return "none"
}

// RequestID names a pending POS request that awaits a reply. The firmware
// assigns it; checkout only hands it back in Reply effects. Empty means
// none is pending.
type RequestID string

// Timeouts says how long each phase may last before a Tick ends it. The
// zero value means DefaultTimeouts.
type Timeouts struct {
	Order    time.Duration // OrderShown: customer does not confirm
	Flagged  time.Duration // Flagged: no corrected order comes
	Method   time.Duration // Confirmed: no method chosen
	Capture  time.Duration // Capturing: no code or face
	Outcome  time.Duration // Captured: no outcome from POS or payment system
	Result   time.Duration // Done/Refused: result screen back to idle
	Question time.Duration // Asking: no answer; the question is answered no, ReasonTimeout
	Document time.Duration // Reading: no touch; the document is closed, back to idle
}

// DefaultTimeouts are the values a cashier would expect.
var DefaultTimeouts = Timeouts{
	Order:    120 * time.Second,
	Flagged:  300 * time.Second,
	Method:   60 * time.Second,
	Capture:  60 * time.Second,
	Outcome:  90 * time.Second,
	Result:   8 * time.Second,
	Question: 60 * time.Second,
	Document: 60 * time.Second,
}

// Config is fixed for the life of a state machine.
type Config struct {
	Timeouts  Timeouts
	HasCamera bool // a camera is fitted: reads codes (see Reader); Face with FaceKey
	HasScan   bool // a scanner is fitted
	// FaceKey: the terminal holds the payment system's face key, so a
	// face can be sealed to it. Face is offered only with a camera and
	// this.
	FaceKey bool
	// TerminalID (the POIID) names this terminal's charge attempts
	// (AttemptRef); "" names them by order hash and number alone.
	TerminalID string
	// Language is the customer screen's language when a session starts
	// (a tag such as "zh" or "en"; "" is the ui's default, English). The
	// customer may switch it (ActLanguage) until the session ends.
	Language string
}

// Action is what a touch on the screen means; ui's hit-testing turns a
// point into one.
type Action int

const (
	ActNone         Action = iota
	ActConfirm             // "Confirm order"
	ActToggleLine          // tap a line to mark or unmark it (Line set)
	ActMarkLines           // a finger circled lines: mark all of Lines
	ActReport              // "Report marked items to the cashier"
	ActPage                // show page Page of the order (ui computed it from its layout)
	ActChooseCode          // pay by payment code
	ActChooseFace          // pay by face
	ActCancel              // customer cancels the payment
	ActDismiss             // close the result screen
	ActBack                // back from method choice to the order
	ActYes                 // answer the POS's question yes
	ActNo                  // answer the POS's question no
	ActLanguage            // show the screens in Touch.Language, until the session ends
	ActScroll              // ScreenDocument: scroll the page to Touch.Scroll (ui computed it from the drag)
	ActDigit               // keypad: digit Digit (0–9)
	ActDelete              // keypad: take back the last digit
	ActEnter               // keypad: send the digits entered (OK)
	ActSwitchReader        // read the code with the other fitted reader (View.Switch)
)

var actionNames = [...]string{"none", "confirm", "toggle-line", "mark-lines", "report", "page", "choose-code", "choose-face", "cancel", "dismiss", "back", "yes", "no", "language", "scroll", "digit", "delete", "enter", "switch-reader"}

func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action?"
}

// Event is the input to Step. Exactly one of the concrete types below.
type Event interface{ isEvent() }

// OrderReceived: the POS asks the customer to pay for Order. In Flagged it
// is the cashier's corrected order.
type OrderReceived struct {
	Req   RequestID
	Order order.Order
	Mode  Mode
	// Owner names the POS and link key that sent it ("<SaleID>|<key>");
	// only the owner may abort the session or report its outcome.
	Owner string
	// History is what the terminal already did for this order's hash,
	// read from its journal by the firmware: a paid order is answered
	// with its first payment and never charged again.
	History History
}

// History is the terminal's record of earlier charge attempts at one
// order hash.
type History struct {
	Attempts  int    // charge attempts already made (direct mode)
	Paid      bool   // one of them was charged and not reversed
	Ref       string // Paid: the attempt's out_trade_no
	Reference string // Paid: the payment system's reference
}

// Touch: the customer touched a control.
type Touch struct {
	Action Action
	Line   string   // ActToggleLine: line ID
	Lines  []string // ActMarkLines: line IDs
	Page   int      // ActPage: zero-based target page
	// Language is ActLanguage's choice, a tag such as "zh" or "en" (the
	// ui offers the languages it has; checkout keeps the tag as given).
	Language string
	// Scroll is ActScroll's target: pixels of the page image hidden above
	// the document area (the ui clamps it to the page it drew).
	Scroll int
	Digit  int // ActDigit: 0–9
}

// CodeScanned: the scanner (or camera) read a payment code.
type CodeScanned struct{ Code string }

// FaceCaptured: the camera produced a face credential: the face crop
// sealed to the payment system's face key and bound to this terminal and
// the confirmed order (payhost.SealFace), at most MaxFaceToken bytes. The
// payment system takes it as payhost.FacePrefix + Token; the image itself
// never leaves the firmware's face capture.
type FaceCaptured struct{ Token string }

// Outcome (relay mode): the POS reports the result of charging the
// credential released for request Req. It counts only from the session's
// owner and for the session it names.
type Outcome struct {
	Req   RequestID // the relay request whose credential was charged
	Owner string    // who reports it (OrderReceived.Owner)
	// From is the request that reports it, answered ReplyAnswer (shown)
	// or ReplyRefused (CondNotOwner: no session of its owner awaits it);
	// "" when nobody waits for an answer.
	From      RequestID
	Approved  bool
	Reason    string // why not, for the customer
	Reference string // payment system's reference
}

// Abort: the POS (or the operator) abandons the session. Req, when set,
// names the request the abort is for: it acts only while that request is
// the pending one. Owner, when set, must be the session's. Hangup means
// the POS went away without asking to abort: a charge in flight goes on
// and its result is kept for TransactionStatus.
type Abort struct {
	Req    RequestID
	Owner  string
	Hangup bool
	Reason string
}

// ChargeResult: the payment system's answer to a ChargeRequest,
// QueryCharge or ReverseCharge effect for attempt Ref, as the firmware
// read it. Unknown means no answer (timeout, reset, unreachable).
type ChargeResult struct {
	Ref       string
	Status    ChargeStatus
	Reference string // the payment system's reference when charged
	Reason    string // the payment system's reason when declined
	// Check, when declined, is what the payment system needs before it
	// will charge this credential; CheckNone for a plain refusal.
	Check Check
}

// Check is a payment system's demand for more proof from the payer.
type Check int

const (
	CheckNone             Check = iota
	CheckPhoneDigits            // PHONE_DIGITS_REQUIRED: ask the last four digits of the payer's phone
	CheckPhoneDigitsWrong       // PHONE_DIGITS_WRONG: the digits sent did not match
)

// ChargeStatus is what the payment system said of an attempt.
type ChargeStatus int

const (
	ChargeUnknown  ChargeStatus = iota // no answer: the attempt may or may not have charged
	ChargePaid                         // charged, not reversed
	ChargeDeclined                     // refused; nothing moved
	ChargeNotFound                     // the payment system has no such attempt
	ChargeReversed                     // reversed (or closed unpaid): no money moved in the end
	// ChargeUserPaying: the payer must confirm on their phone; nothing
	// moved yet. Never final: queried until paid, declined (refused or
	// expired at the payment system) or reversed.
	ChargeUserPaying
)

var chargeStatusNames = [...]string{"unknown", "paid", "declined", "not-found", "reversed", "user-paying"}

func (c ChargeStatus) String() string {
	if c >= 0 && int(c) < len(chargeStatusNames) {
		return chargeStatusNames[c]
	}
	return "status?"
}

// Recovered: at start, the charge attempts the journal holds without an
// outcome (the terminal stopped while they were in flight). They are
// resolved with the payment system before any new order is taken. Relay
// lists the relay credentials released shortly before the stop whose
// outcome the POS has not reported yet: the POS may still report it, and
// the customer is shown it.
type Recovered struct {
	Attempts []OpenAttempt
	Relay    []OpenRelay
	// Ended are payments a restart cut short whose outcome the journal
	// already holds (settled by the firmware): the last is shown.
	Ended []Settle
}

// OpenRelay is a relay credential released for request Req, for the order
// with hash Hash, whose outcome was not reported before a restart.
type OpenRelay struct {
	Req  RequestID
	Hash order.Hash
}

// OpenAttempt is a charge attempt whose outcome is unknown.
type OpenAttempt struct {
	Ref      string     // out_trade_no
	Req      RequestID  // the POS request it answered
	Hash     order.Hash // the confirmed order
	Amount   int64
	Currency string
}

// JournalFailed: a Journal effect could not be written. The firmware
// performed nothing after it in that step and steps this event from the
// state before that step; the core answers it (nothing unrecorded leaves).
type JournalFailed struct {
	Kind string // the record's kind
	Err  string
}

// Health: the terminal's storage health. A non-empty Storage says why
// payments cannot be recorded; orders are refused until it is "".
type Health struct{ Storage string }

// Notice: the POS asks to show Text on the idle screen (nexo Display). It
// is shown only while the terminal is idle, and request Req is answered
// ReplyAnswer (shown) or ReplyRefused (CondBusy).
type Notice struct {
	Req  RequestID
	Text string
}

// Tick: the clock, delivered by the firmware at least once a second.
type Tick struct{ Now time.Time }

// Ask: the POS asks the customer a yes/no question (nexo Input,
// GetConfirmation). It is shown only while no payment session is active
// (Idle, or in place of a Done or Refused result screen) and answered
// once, by a ReplyAnswer or a ReplyRefused. Text is at most MaxQuestion
// runes of printable text; '\n' breaks lines.
type Ask struct {
	Req  RequestID
	Text string
}

// ShowDocument: the POS sends a document to show (a receipt as a nexo
// PrintRequest, a promotion or terms as a Display with a PDF). The
// firmware has already opened it and knows its page count; ID names it
// to the ui's page source. It is shown only while no payment session is
// active (Idle, over a result screen or another document), and request
// Req is answered at once: ReplyAnswer (shown) or ReplyRefused
// (CondBusy during a session or a question, CondInvalid without pages).
// The customer pages it, scrolls it and closes it; it times out to idle.
type ShowDocument struct {
	Req     RequestID
	ID      string
	Pages   int
	Receipt bool // a receipt (PrintRequest) rather than a promotion or terms
}

func (ShowDocument) isEvent()  {}
func (OrderReceived) isEvent() {}
func (Touch) isEvent()         {}
func (CodeScanned) isEvent()   {}
func (FaceCaptured) isEvent()  {}
func (Outcome) isEvent()       {}
func (Abort) isEvent()         {}
func (Tick) isEvent()          {}
func (Ask) isEvent()           {}
func (ChargeResult) isEvent()  {}
func (Notice) isEvent()        {}
func (Recovered) isEvent()     {}
func (JournalFailed) isEvent() {}
func (Health) isEvent()        {}

// Effect is an output of Step for the firmware to perform, in slice order.
type Effect interface{ isEffect() }

// Show: draw this view.
type Show struct{ View View }

// StartScanner / StopScanner: hold the scanner trigger only while a code
// is wanted.
type StartScanner struct{}
type StopScanner struct{}

// StartCamera / StopCamera: run the camera for Purpose. For a face, Hash
// is the confirmed order the sealed face is bound to (payhost.FaceBinding),
// so a token captured for one order cannot pay another.
type StartCamera struct {
	Purpose Method
	Hash    order.Hash // Face only; zero for a code
}
type StopCamera struct{}

// Charge (direct mode only): charge Credential for Order through the
// payment system as attempt Attempt; the firmware feeds the answer back as
// a ChargeResult. The Journal effect before it has recorded the attempt.
type Charge struct {
	Attempt    Attempt
	Req        RequestID // the POS request being paid
	Order      order.Order
	Hash       order.Hash
	Credential Credential
	// PhoneLast4 is the four digits the customer entered when the payment
	// system asked for them (CheckPhoneDigits); "" otherwise. Secret like
	// the credential: never journaled or logged.
	PhoneLast4 string
}

// Attempt names one charge attempt at an order: Ref is the out_trade_no
// (AttemptRef of the terminal, the hash and N), N counts from 1 per order.
type Attempt struct {
	Ref string
	N   int
}

// QueryCharge: ask the payment system what became of attempt Ref; the
// answer comes back as a ChargeResult.
type QueryCharge struct{ Ref string }

// ReverseCharge: give back (or close unpaid) attempt Ref; the answer
// comes back as a ChargeResult (ChargeReversed when done).
type ReverseCharge struct{ Ref string }

// Settle: the final answer to a POS request whose reply was lost to a
// restart; the firmware stores it for TransactionStatus.
type Settle struct {
	Req       RequestID
	Approved  bool
	Cond      Cond
	Reason    string
	Ref       string
	Reference string
	Hash      order.Hash
	Amount    int64
	Currency  string
}

// Credential is what the customer presented. Code is secret: log it masked.
type Credential struct {
	Method Method
	Code   string // payment code, or face token
}

// ReplyKind says what a Reply tells the POS.
type ReplyKind int

const (
	ReplyCredential ReplyKind = iota // relay: credential bound to the confirmed hash
	ReplyResult                      // final result of a payment (direct), or of a relay session that failed before capture
	ReplyFlagged                     // customer reported Lines as wrong
	ReplyRefused                     // order or question refused (invalid, or terminal busy)
	ReplyAnswer                      // the customer's answer to an Ask: Approved means yes
)

// Reply: answer the pending POS request To.
type Reply struct {
	To         RequestID
	Kind       ReplyKind
	Hash       order.Hash // the confirmed order's hash (Credential, Result)
	Credential Credential // ReplyCredential only
	Approved   bool       // ReplyResult; ReplyAnswer: the customer said yes
	Cond       Cond       // ReplyResult when not approved, ReplyRefused, ReplyAnswer not given: why, typed
	Reason     string     // ReplyResult when not approved, ReplyRefused; ReplyAnswer not given by the customer (timeout, aborted)
	Ref        string     // ReplyResult (direct): the attempt's out_trade_no, for reconciliation
	Reference  string     // ReplyResult: payment system's reference
	Lines      []string   // ReplyFlagged
}

// Cond is why a request was not approved, for the firmware to map to the
// link's error conditions without reading the text.
type Cond int

const (
	CondNone       Cond = iota
	CondAborted         // the POS or operator aborted; nothing was charged (or it was reversed)
	CondCancelled       // the customer cancelled
	CondTimeout         // the customer or the question timed out
	CondDeclined        // the payment system refused the charge
	CondNotCharged      // the payment system could not be reached; the attempt was closed unpaid
	CondBusy            // another session or question is active, or earlier payments are being resolved
	CondInvalid         // the order or question cannot be taken as sent
	CondNoMethod        // no fitted reader can take any payment method
	CondStorage         // the terminal cannot record payments (storage failed)
	CondNotOwner        // the request is not from the session's owner, or names another session
)

var condNames = [...]string{"none", "aborted", "cancelled", "timeout", "declined", "not-charged", "busy", "invalid", "no-method", "storage", "not-owner"}

func (c Cond) String() string {
	if c >= 0 && int(c) < len(condNames) {
		return condNames[c]
	}
	return "cond?"
}

// Journal: persist this record before performing the effects after it.
type Journal struct{ Record Record }

// Record is one journal entry: what happened to which order.
type Record struct {
	Kind     string // "received", "confirmed", "flagged", "captured", "attempt", "outcome", "aborted", "timeout", "refused"
	Hash     order.Hash
	Method   Method
	Detail   string    // never a credential
	Ref      string    // attempt, outcome: the attempt's out_trade_no
	Req      RequestID // attempt: the POS request it pays
	Amount   int64     // attempt: minor units
	Currency string    // attempt
	// Reference is the payment system's reference of a paid outcome.
	Reference string
	// Status is an outcome's ChargeStatus (paid, declined, reversed).
	Status ChargeStatus
}

// Beep: a short sound; LED: the status light.
type Beep struct{ OK bool }

func (Show) isEffect()          {}
func (StartScanner) isEffect()  {}
func (StopScanner) isEffect()   {}
func (StartCamera) isEffect()   {}
func (StopCamera) isEffect()    {}
func (Charge) isEffect()        {}
func (QueryCharge) isEffect()   {}
func (ReverseCharge) isEffect() {}
func (Settle) isEffect()        {}
func (Reply) isEffect()         {}
func (Journal) isEffect()       {}
func (Beep) isEffect()          {}

// Screen is which screen the ui draws.
type Screen int

const (
	ScreenIdle       Screen = iota
	ScreenOrder             // itemized order, confirm / mark lines
	ScreenFlagged           // "the cashier is checking the marked items"
	ScreenMethod            // choose code or face
	ScreenShowCode          // "show your payment code"
	ScreenFace              // "look at the camera"
	ScreenProcessing        // waiting for outcome / charging
	ScreenPaid
	ScreenFailed   // reason shown
	ScreenRefused  // order refused, e.g. total mismatch
	ScreenQuestion // the POS's question (Message) with Yes and No
	// ScreenNotProvisioned: the terminal has no usable configuration
	// (Message says why) and does not serve the POS link. Shown by the
	// wiring, never entered by Step.
	ScreenNotProvisioned
	// ScreenDocument: the POS's document (View.Doc), paged and scrolled by
	// the customer, with Close.
	ScreenDocument
	// ScreenConfirmOnPhone: the payment system waits for the payer to
	// confirm on their phone (USERPAYING); the amount, and Cancel.
	ScreenConfirmOnPhone
	// ScreenPhoneDigits: a keypad for the last four digits of the payer's
	// phone (View.Digits entered so far, shown masked), Delete, OK and
	// Cancel; Message says why when the first digits did not match.
	ScreenPhoneDigits
)

var screenNames = [...]string{"idle", "order", "flagged", "method", "show-code", "face", "processing", "paid", "failed", "refused", "question", "not-provisioned", "document", "confirm-on-phone", "phone-digits"}

func (s Screen) String() string {
	if s >= 0 && int(s) < len(screenNames) {
		return screenNames[s]
	}
	return "screen?"
}

// View is everything the ui needs to draw a screen; ui renders it and
// nothing else. Order is nil on screens without one.
type View struct {
	Screen    Screen
	Order     *order.Order
	Marked    map[string]bool // line IDs the customer marked (ScreenOrder, ScreenFlagged)
	Page      int             // zero-based page of the order list
	Corrected bool            // the order on screen replaced a flagged one
	Methods   []Method        // ScreenMethod: methods offered
	Method    Method          // chosen method
	// Reader is the device reading the code on ScreenShowCode; Switch is
	// the other fitted reader the customer may change to
	// (ActSwitchReader), NoReader when there is none.
	Reader  Reader
	Switch  Reader
	Message string // reason or note for the customer; ScreenQuestion: the question
	// Hash names the order a result screen is about when Order is nil
	// (the result of a payment a restart interrupted).
	Hash order.Hash
	// Face is the live guidance of ScreenFace; zero on other screens.
	// The camera picture itself is not in the view: the firmware hands
	// it to the ui beside it.
	Face FaceView
	// Language is the language to draw in: the customer's choice
	// (ActLanguage), else Config.Language; "" is the ui's default.
	Language string
	// Doc is the document on ScreenDocument.
	Doc DocView
	// Digits is how many digits the customer entered (ScreenPhoneDigits);
	// the digits themselves never reach the view.
	Digits int
}

// DocView is a document on screen: which one, and where the customer is
// in it.
type DocView struct {
	ID      string // ShowDocument.ID: the firmware's name for the document
	Pages   int    // how many pages it has, at least 1
	Page    int    // zero-based page shown
	Scroll  int    // page image pixels hidden above the document area
	Receipt bool   // ShowDocument.Receipt
}
