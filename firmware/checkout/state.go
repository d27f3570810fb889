package checkout

import (
	"time"

	"payterm/firmware/order"
)

// State is the whole checkout machine as a value. Step never mutates the
// State it is given: maps and slices are replaced, never written in place,
// so an old State stays valid and can be kept, compared or replayed. The
// zero value is not ready; use New.
type State struct {
	cfg Config // timeouts already defaulted

	phase Phase
	mode  Mode

	// The current order: received (and cloned) once, never written after,
	// so States may share it.
	order order.Order
	hash  order.Hash

	pending   RequestID       // request (order or question) awaiting a reply; "" when none
	marked    map[string]bool // copy on write: replaced, never mutated
	page      int
	corrected bool       // order replaced a flagged one
	confirmed order.Hash // hash the customer confirmed this session; zero if none
	method    Method
	released  bool     // a credential left (relay) or a charge was asked (direct) this session
	face      FaceView // ScreenFace's live guidance while a face is captured

	scanner bool // StartScanner issued, StopScanner not yet
	camera  bool // StartCamera issued, StopCamera not yet

	owner    string    // OrderReceived.Owner of the session
	relayReq RequestID // relay: the request whose credential was released
	history  History   // earlier attempts at this order (OrderReceived.History)
	charge   *charging // direct: the attempt in flight; never mutated, replaced

	// The phone-digit check (phonedigits.go): the face to charge again,
	// the digits entered so far and how many charges carried digits.
	retryFace  Credential
	digits     string
	digitTries int

	// recovering are attempts left open by a restart, resolved one at a
	// time before new orders are taken; replaced, never mutated.
	recovering []recovery
	// storage says why payments cannot be recorded; "" when healthy.
	storage string
	// relayWaits are relay credentials released before a restart whose
	// outcome may still come, until relayUntil (set at the first Tick).
	relayWaits []OpenRelay
	relayUntil time.Time

	// unsettled is the hash of a released credential or charge whose
	// Outcome never came because the session was aborted or timed out;
	// a late Outcome for it is journaled so the operator can reverse it.
	unsettled order.Hash

	now      time.Time // last Tick
	ticked   bool      // a Tick has been seen
	deadline time.Time // when the phase times out; valid when armed
	armed    bool      // false until the first Tick after entering a phase

	doc DocView // Reading: the document on screen

	view View // last view shown; owned by the State, handed out as copies
	// lang is the screens' language: Config.Language, or the customer's
	// choice until the session ends.
	lang string
}

// New returns an Idle machine. Zero or negative timeouts in cfg take their
// DefaultTimeouts value.
func New(cfg Config) State {
	cfg.Timeouts = withDefaults(cfg.Timeouts)
	return State{cfg: cfg, phase: Idle, view: View{Screen: ScreenIdle, Language: cfg.Language}, lang: cfg.Language}
}

func withDefaults(t Timeouts) Timeouts {
	pick := func(v, def time.Duration) time.Duration {
		if v <= 0 {
			return def
		}
		return v
	}
	d := DefaultTimeouts
	return Timeouts{
		Order:    pick(t.Order, d.Order),
		Flagged:  pick(t.Flagged, d.Flagged),
		Method:   pick(t.Method, d.Method),
		Capture:  pick(t.Capture, d.Capture),
		Outcome:  pick(t.Outcome, d.Outcome),
		Result:   pick(t.Result, d.Result),
		Question: pick(t.Question, d.Question),
		Document: pick(t.Document, d.Document),
	}
}

// Phase is where the session stands.
func (s State) Phase() Phase { return s.phase }

// Mode is the current session's mode (meaningless in Idle and Asking).
func (s State) Mode() Mode { return s.mode }

// Config is the configuration New was given, with timeouts defaulted.
func (s State) Config() Config { return s.cfg }

// Pending is the request that still awaits a reply, or "" when none.
func (s State) Pending() RequestID { return s.pending }

// Hash is the current order's hash; zero in Idle and Asking.
func (s State) Hash() order.Hash { return s.hash }

// Confirmed is the hash the customer confirmed in this session; zero until
// they do, and again after ActBack.
func (s State) Confirmed() order.Hash { return s.confirmed }

// Method is the payment method chosen in this session, or NoMethod.
func (s State) Method() Method { return s.method }

// Released reports whether a credential left the terminal (relay) or a
// charge was requested (direct) in this session.
func (s State) Released() bool { return s.released }

// Deadline is when the current phase times out. ok is false in Idle and
// before the first Tick after entering a phase.
func (s State) Deadline() (t time.Time, ok bool) { return s.deadline, s.armed && s.phase != Idle }

// View is a copy of the last view shown.
func (s State) View() View { return cloneView(s.view) }

// Language is the language the screens are drawn in now.
func (s State) Language() string { return s.lang }

// Marked returns the marked line IDs, sorted.
func (s State) Marked() []string { return sortedMarked(s.marked) }

// enter moves to phase p and arms its deadline from the last Tick; before
// any Tick the deadline waits for the first one.
// The face and digits of the phone-digit check are kept only on its
// keypad and forgotten on leaving it.
func (s State) enter(p Phase) State {
	s.phase = p
	if p != PhoneDigits {
		s.retryFace, s.digits = Credential{}, ""
	}
	return s.rearm()
}

// rearm restarts the current phase's timeout from the last Tick.
func (s State) rearm() State {
	s.armed = s.ticked
	if s.ticked {
		s.deadline = s.now.Add(s.timeout(s.phase))
	} else {
		s.deadline = time.Time{}
	}
	return s
}

// timeout is how long phase p may last.
func (s State) timeout(p Phase) time.Duration {
	t := s.cfg.Timeouts
	switch p {
	case OrderShown:
		return t.Order
	case Flagged:
		return t.Flagged
	case Confirmed:
		return t.Method
	case Capturing, PhoneDigits:
		return t.Capture
	case Captured:
		return t.Outcome
	case Asking:
		return t.Question
	case Reading:
		return t.Document
	}
	return t.Result
}

// toIdle ends the session: every session field is cleared; the clock,
// configuration, storage health, open recoveries and unsettled hash
// survive.
func (s State) toIdle() State {
	return State{
		cfg:        s.cfg,
		phase:      Idle,
		unsettled:  s.unsettled,
		recovering: s.recovering,
		storage:    s.storage,
		relayWaits: s.relayWaits,
		relayUntil: s.relayUntil,
		now:        s.now,
		ticked:     s.ticked,
		view:       View{Screen: ScreenIdle, Language: s.cfg.Language},
		lang:       s.cfg.Language, // the next customer starts in the configured language
	}
}

// Charging reports the attempt in flight in this session, if any.
func (s State) Charging() (Attempt, bool) {
	if s.charge == nil {
		return Attempt{}, false
	}
	return s.charge.attempt, true
}

// Recovering is how many attempts left open by a restart are still being
// resolved.
func (s State) Recovering() int { return len(s.recovering) }

// Storage is why payments cannot be recorded, or "" when they can.
func (s State) Storage() string { return s.storage }

// Owner is the session's owner (OrderReceived.Owner).
func (s State) Owner() string { return s.owner }

// active reports whether p is a session a new order must not interrupt.
func active(p Phase) bool {
	switch p {
	case OrderShown, Flagged, Confirmed, Capturing, Captured, PhoneDigits:
		return true
	}
	return false
}

// OpenRefs are the attempts whose outcome is still being resolved: the
// session's charge first, then those a restart left open.
func (s State) OpenRefs() []string {
	var refs []string
	if s.charge != nil {
		refs = append(refs, s.charge.ref)
	}
	for _, r := range s.recovering {
		refs = append(refs, r.ref)
	}
	return refs
}
