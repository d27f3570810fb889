package checkout

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"payterm/firmware/order"
)

// The properties below are checked after every Step of thousands of random
// event sequences (and of fuzzed ones, FuzzStep). The observer judges from
// what the customer was shown and did, not from the machine's own fields:
//
//   - a credential (relay Reply) or Charge (direct) leaves only after the
//     customer touched Confirm on the order screen showing an order whose
//     hash the credential carries, with no other order shown since;
//   - at most one credential or charge per session;
//   - every Reply answers a RequestID given in an OrderReceived or an Ask,
//     once; when the machine rests (Idle, Done, Refused) every request was
//     answered, and a question is never left unanswered by its screen;
//   - a question (Ask) is shown exactly when it is valid and no payment
//     session or other question is on, and is otherwise refused; it is
//     answered yes only by the customer's Yes, no by No, by its timeout
//     (which comes exactly Question after it was shown, or after the
//     first Tick) or by an Abort; an order while asking is refused busy;
//   - devices start and stop in pairs, run only while Capturing, and are
//     stopped before Idle; a credential comes from a device started for it;
//   - effects keep the ordering contract of the package doc;
//   - "paid" (Show ScreenPaid, approved ReplyResult) only follows an
//     approved Outcome for a released credential;
//   - no journal record contains a credential;
//   - Abort always ends in Idle; from any state, far-future Ticks reach Idle;
//   - Step does not modify the State it was given, and the State shares
//     nothing with the effects it returns or the events it took.

func TestProperties(t *testing.T) {
	sequences := 5000
	if testing.Short() {
		sequences = 500
	}
	for seed := range uint64(sequences) {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		c := randChooser{r}
		if err := runSequence(c, 1+c.intn(80)); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// FuzzStep drives the same checks from fuzzer-chosen bytes.
func FuzzStep(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x00\x05\x14\x00\x0f\x20\x00\x30\x55\x30\x01\x40\x02\x70"))
	f.Add([]byte(strings.Repeat("\x07\x30\x55\x40\x44\x05\x52\x40\x39", 20)))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &byteChooser{b: b}
		if err := runSequence(c, min(len(b), 300)); err != nil {
			t.Fatal(err)
		}
	})
}

// chooser picks a number in [0, n).
type chooser interface{ intn(n int) int }

type randChooser struct{ r *rand.Rand }

func (c randChooser) intn(n int) int { return c.r.IntN(n) }

// byteChooser takes its choices from fuzz input; 0 once it runs out.
type byteChooser struct{ b []byte }

func (c *byteChooser) intn(n int) int {
	if len(c.b) == 0 {
		return 0
	}
	v := int(c.b[0])
	c.b = c.b[1:]
	if n > 256 {
		v = v<<8 | c.intn(256)
	}
	return v % n
}

// runSequence steps a machine with n random events, then ends it with an
// Abort or far-future Ticks, checking every step.
func runSequence(c chooser, n int) error {
	cfg := Config{HasScan: c.intn(2) == 0, HasCamera: c.intn(2) == 0, NoFace: c.intn(3) == 0}
	if c.intn(3) == 0 {
		cfg.Timeouts = Timeouts{Order: 20 * time.Second, Flagged: 30 * time.Second, Method: 10 * time.Second,
			Capture: 10 * time.Second, Outcome: 15 * time.Second, Result: 3 * time.Second, Question: 12 * time.Second}
	}
	g := &gen{c: c, now: epoch}
	s := New(cfg)
	o := newObserver(s.Config())
	var err error
	for range n {
		if s, err = o.apply(s, g.event(s)); err != nil {
			return o.failure(err)
		}
	}
	if c.intn(2) == 0 {
		if s, err = o.apply(s, Abort{Reason: "end"}); err != nil {
			return o.failure(err)
		}
		if _, charging := s.Charging(); !charging && s.Phase() != Idle {
			return o.failure(fmt.Errorf("Abort left the machine in %s", s.Phase()))
		}
	}
	// Open attempts end only by the payment system's answer: a far-future
	// Tick asks, the answer settles each.
	for i := 0; len(s.OpenRefs()) > 0; i++ {
		if i == 10 {
			return o.failure(fmt.Errorf("attempts %v still open after %d answers", s.OpenRefs(), i))
		}
		g.now = g.now.Add(time.Hour)
		if s, err = o.apply(s, Tick{Now: g.now}); err != nil {
			return o.failure(err)
		}
		for _, ref := range s.OpenRefs() {
			if s, err = o.apply(s, ChargeResult{Ref: ref, Status: ChargeReversed}); err != nil {
				return o.failure(err)
			}
		}
	}
	// Far-future Ticks: one to arm a deadline that waits for its first
	// Tick, one to end the phase, one more for Done's result screen.
	ticks := 2
	if _, armed := s.Deadline(); !armed {
		ticks = 3
	}
	at := g.now
	for i := 0; s.Phase() != Idle; i++ {
		if i == ticks {
			return o.failure(fmt.Errorf("%d far-future Ticks left the machine in %s", ticks, s.Phase()))
		}
		at = at.Add(30 * 24 * time.Hour)
		if s, err = o.apply(s, Tick{Now: at}); err != nil {
			return o.failure(err)
		}
	}
	return nil
}

// gen makes random events, biased towards what the state can use so that
// sequences reach deep phases often.
type gen struct {
	c    chooser
	now  time.Time
	reqs int
}

func (g *gen) pick(options ...string) string { return options[g.c.intn(len(options))] }

func (g *gen) event(s State) Event {
	w := g.c.intn(124)
	if s.Phase() == Capturing && w < 40 {
		w += 50 // mostly scans and faces
	}
	if len(s.OpenRefs()) > 0 && w < 30 {
		w = 108 + w%10 // mostly answers from the payment system
	}
	switch {
	case w >= 122:
		return Health{Storage: g.pick("", "", "", "data partition missing: running from tmpfs")}
	case w >= 120:
		return JournalFailed{Kind: "outcome", Err: "disk full"}
	case w >= 118:
		return Recovered{Attempts: []OpenAttempt{{Ref: g.pick("PT-o1-1", "PT-o2-3"), Req: "old/1", Amount: 100, Currency: "EUR"}},
			Relay: []OpenRelay{{Req: RequestID(g.pick("old/2", "r1")), Hash: order.Hash{1}}}}
	case w >= 108:
		refs := append(s.OpenRefs(), "PT-o9-9")
		st := ChargeStatus(g.c.intn(len(chargeStatusNames) + 2))
		if int(st) >= len(chargeStatusNames) {
			st = ChargeUnknown
		}
		return ChargeResult{Ref: refs[g.c.intn(len(refs))], Status: st, Reference: g.pick("", "SBX0000000000000001"), Reason: g.pick("", "INSUFFICIENT_FUNDS")}
	case w >= 100:
		return g.ask(s)
	case w < 12:
		return g.order(s)
	case w < 55:
		return g.touch()
	case w < 70:
		return CodeScanned{Code: g.code()}
	case w < 78:
		return FaceCaptured{Token: g.pick("face-token-"+fmt.Sprint(g.c.intn(1e6)), "", strings.Repeat("f", MaxFaceToken+1), strings.Repeat("f", MaxFaceToken))}
	case w < 84:
		if g.c.intn(4) == 0 {
			return Notice{Req: g.req(s), Text: g.pick("Welcome", "")}
		}
		o := Outcome{Req: RequestID(fmt.Sprintf("r%d", g.reqs-g.c.intn(2))), Owner: g.pick("", "pos-a", "pos-b"),
			Approved: g.c.intn(2) == 0, Reason: g.pick("", "declined"), Reference: g.pick("", "PH-1")}
		if g.c.intn(2) == 0 {
			g.reqs++
			o.From = RequestID(fmt.Sprintf("r%d", g.reqs))
		}
		return o
	case w < 87:
		a := Abort{Reason: g.pick("", "POS request ended")}
		switch g.c.intn(6) {
		case 0:
			a.Req, a.Hangup = s.Pending(), true
		case 1:
			a.Req = RequestID(fmt.Sprintf("r%d", g.reqs-g.c.intn(3)))
		case 2:
			a.Owner = g.pick("pos-a", "pos-b")
		}
		return a
	}
	switch g.c.intn(20) {
	case 0:
		g.now = g.now.Add(-5 * time.Second) // a clock step backwards
	case 1, 2:
		g.now = g.now.Add(time.Duration(100+g.c.intn(300)) * time.Second)
	case 3, 4, 5, 6:
		g.now = g.now.Add(time.Duration(5+g.c.intn(60)) * time.Second)
	default:
		g.now = g.now.Add(time.Duration(g.c.intn(4)) * time.Second)
	}
	return Tick{Now: g.now}
}

// req is a new RequestID, mostly, or none, or the one in hand again.
func (g *gen) req(s State) RequestID {
	switch g.c.intn(20) {
	case 0:
		return ""
	case 1, 2:
		return s.Pending() // a repeat of the request in hand (or none)
	}
	g.reqs++
	return RequestID(fmt.Sprintf("r%d", g.reqs))
}

func (g *gen) order(s State) OrderReceived {
	req := g.req(s)
	mode := Relay
	switch g.c.intn(9) {
	case 0:
		mode = 7
	case 1, 2, 3, 4:
		mode = Direct
	}
	e := OrderReceived{Req: req, Mode: mode, Order: orderPool(g.c.intn(8)), Owner: g.pick("", "pos-a", "pos-b")}
	e.History.Attempts = g.c.intn(3)
	if g.c.intn(10) == 0 {
		e.History.Paid, e.History.Ref, e.History.Reference = true, "PT-o1-1", "SBX0000000000000007"
	}
	return e
}

// orderPool returns a fresh copy of one of a few orders; the last three
// are invalid.
func orderPool(i int) order.Order {
	eur := order.MustCurrency("EUR")
	line := func(id, label string, q order.Quantity, price int64) order.Line {
		return order.Line{ID: id, Label: label, Quantity: q, UnitPrice: price, Amount: order.LineAmount(q, price)}
	}
	o := order.Order{ID: "T-1", Currency: eur, Lines: []order.Line{
		line("1", "Apple juice", 2000, 149), line("2", "Bananas", 455, 199), line("3", "Bread", order.One, 250),
	}}
	switch i {
	case 1: // the cashier's correction: line 2 removed
		o.Lines = slices.Delete(o.Lines, 1, 2)
	case 2: // same lines, a different transaction
		o.ID = "T-2"
	case 3:
		o = order.Order{ID: "J-1", Currency: order.MustCurrency("JPY"), Lines: []order.Line{line("A", "おにぎり", order.One, 150)}}
	case 4:
		o.Lines[2].Label = "Bread\x1b"
	case 5:
		o.Total = 1
		return o
	case 6:
		o.Lines = nil
	}
	o.Total = o.Sum()
	return o
}

// ask is a question, valid mostly.
func (g *gen) ask(s State) Ask {
	return Ask{Req: g.req(s), Text: g.pick(
		"Would you like a receipt?", "需要发票吗？", "Join our club?\nIt is free.",
		strings.Repeat("é", MaxQuestion), strings.Repeat("é", MaxQuestion+1),
		"", " \n ", "Receipt?\a", "Receipt\xff?", "Receipt?\r\n")}
}

func (g *gen) touch() Touch {
	t := Touch{Action: Action(g.c.intn(len(actionNames) + 1)), Page: g.c.intn(6) - 2}
	ids := []string{"1", "2", "3", "A", "zz", ""}
	t.Line = ids[g.c.intn(len(ids))]
	for _, id := range ids {
		if g.c.intn(3) == 0 {
			t.Lines = append(t.Lines, id)
		}
	}
	// Confirm and the method choices are what moves a session on.
	if g.c.intn(3) == 0 {
		t.Action = []Action{ActConfirm, ActChooseCode, ActChooseFace, ActDismiss, ActYes, ActNo}[g.c.intn(6)]
	}
	return t
}

func (g *gen) code() string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + g.c.intn(10))
		}
		return string(b)
	}
	switch g.c.intn(8) {
	case 0:
		return ""
	case 1:
		return digits(MaxPaymentCode + 1)
	case 2:
		return digits(MaxPaymentCode)
	case 3:
		return "12ab" + digits(10)
	}
	return digits(12 + g.c.intn(8))
}

// observer keeps what the customer and the POS have seen so far.
type observer struct {
	trace []string
	cfg   Config // timeouts defaulted

	given     map[RequestID]bool
	questions map[RequestID]bool // the given requests that were Asks
	replies   map[RequestID]int

	// The question on screen: its request ("" when none) and when its
	// timeout started (armed false until a Tick was seen).
	asked   RequestID
	askedAt time.Time
	armed   bool
	now     time.Time // last Tick
	ticked  bool

	scanner, camera bool
	purpose         Method // what the camera runs for
	// devices running before the current step's effects
	hadScanner, hadCamera bool
	hadPurpose            Method

	screen    Screen
	shown     order.Hash // order on the last order screen; zero after idle/refused
	shownMode Mode       // mode of the request that put it there
	confirmed order.Hash // shown when the customer touched Confirm; zero once used
	released  int        // credentials or charges this session
	secrets   []string   // credentials seen, to keep out of the journal
}

func newObserver(cfg Config) *observer {
	return &observer{cfg: cfg, given: map[RequestID]bool{}, questions: map[RequestID]bool{}, replies: map[RequestID]int{}}
}

func (o *observer) failure(err error) error {
	tail := o.trace[max(0, len(o.trace)-60):]
	return fmt.Errorf("%w\nlast steps:\n%s", err, strings.Join(tail, "\n"))
}

// apply steps s with ev and checks everything that step may and may not do.
func (o *observer) apply(s State, ev Event) (State, error) {
	before := snapshot(s)
	next, effects := Step(s, ev)

	o.trace = append(o.trace, "> "+formatEvent(ev))
	for _, e := range effects {
		o.trace = append(o.trace, "< "+formatEffect(e))
	}
	o.trace = append(o.trace, "= "+formatState(next))

	if !reflect.DeepEqual(s, before) {
		return next, errors.New("Step modified the State it was given")
	}
	if err := o.check(s, ev, next, effects); err != nil {
		return next, err
	}
	return next, isolated(next, ev, effects)
}

func (o *observer) check(prev State, ev Event, next State, effects []Effect) error {
	switch e := ev.(type) {
	case OrderReceived:
		if e.Req != "" {
			o.given[e.Req] = true
		}
		if !active(prev.Phase()) {
			o.released = 0
		}
	case Touch:
		if e.Action == ActConfirm && o.screen == ScreenOrder {
			o.confirmed = o.shown
		}
	case CodeScanned:
		if len(e.Code) >= 12 {
			o.secrets = append(o.secrets, e.Code)
		}
	case FaceCaptured:
		if e.Token != "" {
			o.secrets = append(o.secrets, e.Token)
		}
	case Ask:
		if e.Req != "" && e.Req != prev.Pending() {
			o.given[e.Req], o.questions[e.Req] = true, true
		}
	case Outcome:
		if e.From != "" && e.From != prev.Pending() {
			o.given[e.From], o.questions[e.From] = true, true
		}
	case Notice:
		if e.Req != "" && e.Req != prev.Pending() {
			o.given[e.Req], o.questions[e.Req] = true, true
		}
	case Tick:
		o.now, o.ticked = e.Now, true
	}
	if err := checkOrdering(effects); err != nil {
		return err
	}
	o.hadScanner, o.hadCamera, o.hadPurpose = o.scanner, o.camera, o.purpose
	for _, eff := range effects {
		if err := o.effect(prev, ev, eff); err != nil {
			return err
		}
	}
	if err := o.question(prev, ev, next, effects); err != nil {
		return err
	}
	return o.rest(prev, ev, next)
}

// question checks what an Ask did, and that the question on screen ends
// when it should: by the customer, an Abort or its timeout.
func (o *observer) question(prev State, ev Event, next State, effects []Effect) error {
	switch e := ev.(type) {
	case Ask:
		switch {
		case e.Req == "" || e.Req == prev.Pending():
			if len(effects) != 0 {
				return fmt.Errorf("Ask nobody new waits for had effects %v", effects)
			}
		case active(prev.Phase()) || prev.Phase() == Asking:
			want := []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
			if !reflect.DeepEqual(effects, want) {
				return fmt.Errorf("Ask in %s: %v, want %v", prev.Phase(), effects, want)
			}
		case !validQuestion(e.Text):
			if len(effects) != 1 || effects[0].(Reply).Kind != ReplyRefused {
				return fmt.Errorf("invalid question %q: %v, want it refused", e.Text, effects)
			}
		case o.asked != e.Req || next.Phase() != Asking:
			return fmt.Errorf("valid question in %s not shown: %v", prev.Phase(), effects)
		}
	case OrderReceived:
		if prev.Phase() == Asking && e.Req != "" && e.Req != prev.Pending() && next.Phase() != Asking {
			return errors.New("an order replaced the question on screen")
		}
	case Tick:
		if prev.Phase() != Asking {
			return nil
		}
		if !o.armed {
			o.askedAt, o.armed = e.Now, true
		}
		due := !e.Now.Before(o.askedAt.Add(o.cfg.Timeouts.Question))
		if due != (next.Phase() == Idle) {
			return fmt.Errorf("question shown %v ago, timeout %v: machine went %s", e.Now.Sub(o.askedAt), o.cfg.Timeouts.Question, next.Phase())
		}
	}
	return nil
}

// validQuestion is what an Ask may show: 1 to MaxQuestion runes of UTF-8,
// not all space, no control character but a newline.
func validQuestion(s string) bool {
	return utf8.ValidString(s) && strings.TrimSpace(s) != "" && utf8.RuneCountInString(s) <= MaxQuestion &&
		!strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && unicode.IsControl(r) })
}

// rank is an effect's place in the ordering contract.
func rank(e Effect) int {
	switch e.(type) {
	case StopScanner, StopCamera:
		return 0
	case Journal:
		return 1
	case Reply, Charge, QueryCharge, ReverseCharge, Settle:
		return 2
	case StartScanner, StartCamera:
		return 3
	case Beep:
		return 4
	case Show:
		return 5
	}
	return -1
}

func checkOrdering(effects []Effect) error {
	counts := map[string]int{}
	last := 0
	for _, e := range effects {
		r := rank(e)
		if r < 0 {
			return fmt.Errorf("unknown effect %T", e)
		}
		if r < last {
			return fmt.Errorf("effect %T after a later kind breaks the ordering contract", e)
		}
		last = r
		counts[fmt.Sprintf("%T", e)]++
	}
	for _, kind := range []string{"checkout.Show", "checkout.Reply", "checkout.Charge"} {
		if counts[kind] > 1 {
			return fmt.Errorf("%d %s effects in one step", counts[kind], kind)
		}
	}
	return nil
}

func (o *observer) effect(prev State, ev Event, eff Effect) error {
	switch e := eff.(type) {
	case StartScanner:
		if o.scanner {
			return errors.New("scanner started twice")
		}
		o.scanner = true
	case StartCamera:
		if o.camera {
			return errors.New("camera started twice")
		}
		o.camera, o.purpose = true, e.Purpose
	case StopScanner:
		if !o.scanner {
			return errors.New("scanner stopped but not running")
		}
		o.scanner = false
	case StopCamera:
		if !o.camera {
			return errors.New("camera stopped but not running")
		}
		o.camera = false
	case Journal:
		for _, secret := range o.secrets {
			if strings.Contains(e.Record.Detail, secret) {
				return fmt.Errorf("journal %q holds a credential", e.Record.Detail)
			}
		}
	case Charge:
		if o.shownMode != Direct {
			return errors.New("Charge in a relay session")
		}
		if e.Order.Hash() != e.Hash {
			return errors.New("Charge.Hash is not the charged order's hash")
		}
		return o.release(prev, ev, e.Hash, e.Credential)
	case Reply:
		if !o.given[e.To] {
			return fmt.Errorf("reply to %q, which no OrderReceived or Ask gave", e.To)
		}
		if o.replies[e.To]++; o.replies[e.To] > 1 {
			return fmt.Errorf("request %q answered twice", e.To)
		}
		if q := o.questions[e.To]; q && e.Kind != ReplyAnswer && e.Kind != ReplyRefused || !q && e.Kind == ReplyAnswer {
			return fmt.Errorf("reply of kind %d to %q (a question: %t)", e.Kind, e.To, q)
		}
		switch e.Kind {
		case ReplyAnswer:
			switch ev.(type) {
			case Outcome, Notice:
				return nil // "shown": no customer's answer
			}
			return o.answer(ev, e)
		case ReplyCredential:
			if o.shownMode != Relay {
				return errors.New("credential replied in a direct session")
			}
			return o.release(prev, ev, e.Hash, e.Credential)
		case ReplyResult:
			if e.Approved && !paidBy(prev, ev) {
				return errors.New("approved result without the payment system's approval of the charge in flight, or an earlier payment")
			}
		}
	case Show:
		o.screen = e.View.Screen
		o.asked = ""
		switch e.View.Screen {
		case ScreenQuestion:
			a, ok := ev.(Ask)
			if !ok || a.Text != e.View.Message || !validQuestion(a.Text) || e.View.Order != nil {
				return fmt.Errorf("question screen %q for %s", e.View.Message, formatEvent(ev))
			}
			o.asked, o.askedAt, o.armed = a.Req, o.now, o.ticked
			o.shown, o.confirmed = order.Hash{}, order.Hash{}
		case ScreenOrder:
			if e.View.Order == nil {
				return errors.New("order screen without an order")
			}
			o.shown, o.confirmed = e.View.Order.Hash(), order.Hash{}
			if r, ok := ev.(OrderReceived); ok {
				o.shownMode = r.Mode
			}
		case ScreenIdle, ScreenRefused:
			o.shown, o.confirmed = order.Hash{}, order.Hash{}
		case ScreenPaid:
			out, ok := ev.(Outcome)
			relayPaid := ok && out.Approved && prev.Released() && prev.AwaitsOutcome(out.Req, out.Owner)
			if !relayPaid && !paidBy(prev, ev) {
				return errors.New("paid screen without an approved outcome of a released credential")
			}
		}
	}
	return nil
}

// paidBy reports whether ev says the payment in prev is paid: the payment
// system approved the charge in flight, or the terminal had charged the
// order before.
func paidBy(prev State, ev Event) bool {
	switch e := ev.(type) {
	case ChargeResult:
		if e.Status != ChargePaid {
			return false
		}
		if len(prev.recovering) > 0 && prev.recovering[0].ref == e.Ref && prev.recovering[0].inflight {
			return true // a payment a restart interrupted: shown, not replied
		}
		a, ok := prev.Charging()
		return ok && e.Ref == a.Ref && prev.charge.inflight && !prev.charge.aborting
	case Outcome:
		_, recovered := prev.relayWait(e.Req)
		return recovered && e.Approved
	case OrderReceived:
		return e.Mode == Direct && e.History.Paid
	}
	return false
}

// answer checks a question's answer against what ended it.
func (o *observer) answer(ev Event, r Reply) error {
	if r.To != o.asked || o.screen != ScreenQuestion {
		return fmt.Errorf("answer to %q, but the screen shows %s for %q", r.To, o.screen, o.asked)
	}
	var yes bool
	var reason string
	switch e := ev.(type) {
	case Touch:
		switch e.Action {
		case ActYes:
			yes = true
		case ActNo:
		default:
			return fmt.Errorf("touch %s answered the question", e.Action)
		}
	case Tick:
		reason = ReasonTimeout
	case Abort:
		reason = ReasonAborted
		if e.Reason != "" {
			reason += ": " + e.Reason
		}
	default:
		return fmt.Errorf("%s answered the question", formatEvent(ev))
	}
	if r.Approved != yes || r.Reason != reason {
		return fmt.Errorf("answer yes=%t reason %q, want yes=%t reason %q", r.Approved, r.Reason, yes, reason)
	}
	return nil
}

// release checks a credential or charge against what the customer
// confirmed on screen.
func (o *observer) release(prev State, ev Event, h order.Hash, c Credential) error {
	switch {
	case o.confirmed.IsZero():
		return errors.New("credential left without the customer confirming an order")
	case h != o.confirmed:
		return fmt.Errorf("credential bound to %s, customer confirmed %s", short(h), short(o.confirmed))
	case o.shown != o.confirmed:
		return errors.New("credential for an order that is no longer the one shown")
	case o.released > 0:
		return errors.New("second credential in one session")
	}
	o.released++
	o.confirmed = order.Hash{}
	want := Credential{}
	switch e := ev.(type) {
	case CodeScanned:
		want = Credential{Method: Code, Code: e.Code}
		if !o.hadScanner && !(o.hadCamera && o.hadPurpose == Code) {
			return errors.New("code taken while no device was reading codes")
		}
	case FaceCaptured:
		want = Credential{Method: Face, Code: e.Token}
		if !o.hadCamera || o.hadPurpose != Face {
			return errors.New("face taken while the camera was not looking for one")
		}
	}
	if c != want {
		return fmt.Errorf("credential %v is not what was captured (%v)", c, want)
	}
	return nil
}

// rest checks the state after the step against what was observed.
func (o *observer) rest(prev State, ev Event, next State) error {
	_, charging := prev.Charging()
	if a, ok := ev.(Abort); ok && a.Req == "" && a.Owner == "" && !charging && next.Phase() != Idle {
		return fmt.Errorf("Abort left the machine in %s", next.Phase())
	}
	if (o.scanner || o.camera) && next.Phase() != Capturing {
		return fmt.Errorf("device still running in %s", next.Phase())
	}
	if p := next.Pending(); p != "" && (!o.given[p] || o.replies[p] != 0) {
		return fmt.Errorf("pending %q was never given or is already answered", p)
	}
	switch {
	case next.Phase() == Asking:
		if o.screen != ScreenQuestion || next.Pending() != o.asked {
			return fmt.Errorf("asking %q, but the screen shows %s for %q", next.Pending(), o.screen, o.asked)
		}
		for id := range o.given {
			if want := btoi(id != o.asked); o.replies[id] != want {
				return fmt.Errorf("asking %q: request %q answered %d times, want %d", o.asked, id, o.replies[id], want)
			}
		}
	case !active(next.Phase()):
		if next.Pending() != "" {
			return fmt.Errorf("request %q pending in %s", next.Pending(), next.Phase())
		}
		for id := range o.given {
			if o.replies[id] != 1 {
				return fmt.Errorf("%s with request %q answered %d times", next.Phase(), id, o.replies[id])
			}
		}
	default:
		for id := range o.questions {
			if o.replies[id] != 1 {
				return fmt.Errorf("%s with question %q answered %d times", next.Phase(), id, o.replies[id])
			}
		}
	}
	if next.Phase() == Idle && o.screen != ScreenIdle {
		return fmt.Errorf("idle, but the screen shows %s", o.screen)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// snapshot deep-copies a State without the package's own clone helpers.
func snapshot(s State) State {
	c := s
	c.order.Lines = slices.Clone(s.order.Lines)
	c.order.Discounts = slices.Clone(s.order.Discounts)
	c.marked = maps.Clone(s.marked)
	if s.view.Order != nil {
		vo := *s.view.Order
		vo.Lines = slices.Clone(vo.Lines)
		vo.Discounts = slices.Clone(vo.Discounts)
		c.view.Order = &vo
	}
	c.view.Marked = maps.Clone(s.view.Marked)
	c.view.Methods = slices.Clone(s.view.Methods)
	return c
}

// isolated scribbles over everything the caller holds after a Step — the
// event's order, the effects' views and orders — and checks that next did
// not change.
func isolated(next State, ev Event, effects []Effect) error {
	want := snapshot(next)
	scribbleOrder := func(o *order.Order) {
		if o != nil && len(o.Lines) > 0 {
			o.Lines[0].Label = "scribbled"
		}
	}
	if e, ok := ev.(OrderReceived); ok {
		scribbleOrder(&e.Order)
	}
	for _, eff := range effects {
		switch e := eff.(type) {
		case Show:
			scribbleOrder(e.View.Order)
			if e.View.Marked != nil {
				e.View.Marked["scribbled"] = true
			}
			if len(e.View.Methods) > 0 {
				e.View.Methods[0] = 99
			}
		case Charge:
			scribbleOrder(&e.Order)
		}
	}
	if v := next.View(); v.Marked != nil {
		v.Marked["scribbled"] = true
	}
	if !reflect.DeepEqual(next, want) {
		return errors.New("the new State shares data with the event or the effects")
	}
	return nil
}

func formatEvent(ev Event) string {
	switch e := ev.(type) {
	case OrderReceived:
		return fmt.Sprintf("order req=%q mode=%s id=%s@%s", e.Req, e.Mode, e.Order.ID, short(e.Order.Hash()))
	case Touch:
		return fmt.Sprintf("touch %s line=%q lines=%q page=%d", e.Action, e.Line, e.Lines, e.Page)
	case CodeScanned:
		return fmt.Sprintf("scan code=%q", e.Code)
	case FaceCaptured:
		return fmt.Sprintf("face token=%.20q", e.Token)
	case Outcome:
		return fmt.Sprintf("outcome approved=%t reason=%q ref=%q", e.Approved, e.Reason, e.Reference)
	case Abort:
		return fmt.Sprintf("abort reason=%q", e.Reason)
	case Tick:
		return "tick " + e.Now.Sub(epoch).String()
	case Ask:
		return fmt.Sprintf("ask req=%q text=%.40q", e.Req, e.Text)
	}
	return fmt.Sprintf("%T", ev)
}
