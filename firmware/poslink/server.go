package poslink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"payterm/firmware/order"
)

// DefaultMaxBody caps one message, encrypted or not. 500 lines fit many
// times over; the room above that lets an order of thousands of lines be
// read and refused with a nexo Failure the POS can show, rather than an
// HTTP error.
const DefaultMaxBody = 4 << 20

// DefaultMaxInFlight caps concurrent HTTPS requests: a POS needs two (a
// Payment and its Abort); a few more absorb retries.
const DefaultMaxInFlight = 8

// HTTPS limits (ServerConfig). A POS sends a request of a few kilobytes
// at once; seconds are generous.
const (
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 10 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 8 << 10
)

// ServerConfig configures NewServer; zero values mean defaults.
type ServerConfig struct {
	// POIID is this terminal. Requests whose MessageHeader names another
	// POIID are refused. Empty accepts any (tests, bench setups).
	POIID string
	// Keys are the link keys accepted for encrypted messages; nil accepts
	// none.
	Keys *Keys
	// AllowPlaintext accepts plain (unencrypted) requests, for
	// development only. The zero value refuses them with a Failure
	// NotAllowed before any Terminal call: a CardAcquisition's reply
	// carries the customer's credential.
	AllowPlaintext bool
	// MaxBody is the largest message accepted, in bytes; 0 means
	// DefaultMaxBody.
	MaxBody int
	// MaxInFlight bounds concurrent HTTPS requests (more get HTTP 503); 0
	// means DefaultMaxInFlight.
	MaxInFlight int
	// ReadHeaderTimeout bounds reading a request's headers, from the
	// connection's first byte (TLS handshake included); 0 means
	// DefaultReadHeaderTimeout.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included, so that
	// a half-sent request cannot hold its connection for long; 0 means
	// DefaultReadTimeout.
	ReadTimeout time.Duration
	// IdleTimeout closes a kept-alive connection with no request; 0
	// means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps a request's headers; 0 means
	// DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// Now is the clock for time stamps; nil means time.Now. The store has
	// its own (StoreOptions.Now).
	Now func() time.Time
	// Diagnose answers a DiagnosisRequest: the terminal's status and the
	// last lines of its log. nil: status OK and no log.
	Diagnose func() Diagnosis
	// Journal answers the journal export (AdminRequest, encrypted only);
	// nil refuses it with UnavailableService.
	Journal JournalSource
	// Identity answers AdminIdentity (pairing; encrypted only); nil
	// refuses it with UnavailableService.
	Identity IdentitySource
	// Updater takes firmware updates from the POS (update.go); nil
	// refuses them with UnavailableService.
	Updater Updater
	// Version is the running firmware's version, reported by
	// AdminUpdateStatus when there is no Updater; "" refuses it.
	Version string
}

// Diagnosis is what a DiagnosisRequest reports.
type Diagnosis struct {
	Status string        // POIStatus.GlobalStatus; "" means "OK"
	Log    []string      // last log lines, oldest first
	Health []HealthCheck // the terminal's parts, in order (diagnosis.go)
}

// Server answers nexo Sale-to-POI requests for a Terminal. One Server
// serves every transport: HTTPS through Handler, byte streams by calling
// HandleMessage. Safe for concurrent use: an Abort is handled while the
// Payment it ends still blocks.
//
// Requests with effects — Payment, CardAcquisition, Input, Display, Print — run
// at most once per (SaleID, ServiceID) within the store's TTL (48 h): a
// true repeat (same category and body) gets the stored reply byte for
// byte, anything else under a used ServiceID is refused as a duplicate.
// Abort and TransactionStatus change nothing that could be repeated and
// are not recorded.
type Server struct {
	cfg     ServerConfig
	term    Terminal
	store   *Store
	log     *slog.Logger
	now     func() time.Time
	pending pending
	slots   chan struct{} // HTTPS in-flight tokens
	// seal encrypts a reply: sealEnvelope, or a failing stand-in in tests.
	seal func(root string, h MessageHeader, plain []byte, k sealKey) ([]byte, error)
}

// NewServer returns a server for term that remembers ServiceIDs in store.
// A nil log discards; a nil term or store makes every request that needs
// one fail with UnavailableService.
func NewServer(cfg ServerConfig, term Terminal, store *Store, log *slog.Logger) *Server {
	if term == nil {
		term = noTerminal{}
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout}, {&cfg.ReadTimeout, DefaultReadTimeout}, {&cfg.IdleTimeout, DefaultIdleTimeout}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	s := &Server{cfg: cfg, term: term, store: store, log: log, now: cfg.Now, seal: sealEnvelope}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.slots = make(chan struct{}, cfg.MaxInFlight)
	return s
}

// HandleMessage answers one request: body is a SaleToPOIRequest, plain or
// encrypted, and the result is the SaleToPOIResponse to send back,
// encrypted under the request's key when the request was. It blocks while
// the Terminal does (a Payment waits for the customer) and ends the
// Terminal call when ctx ends.
//
// A nil result means no reply is due (an AbortRequest: Adyen's terminals
// answer it with an empty body) or none could be sealed (ErrNoReply); a
// transport sends an empty reply. A message so broken that no
// MessageHeader could be read is answered, as Adyen's terminals do, with
// an EventNotification (EventToNotify Reject); the HTTPS handler answers
// those with HTTP 400 instead, and ErrNoReply with HTTP 500.
func (s *Server) HandleMessage(ctx context.Context, body []byte) []byte {
	reply, err := s.serve(ctx, body)
	switch {
	case errors.Is(err, ErrNoReply):
		return nil
	case err != nil:
		return s.rejectEvent(err)
	}
	return reply
}

// serve answers a message. ErrNoReply means the reply could not be
// sealed and nothing may be sent; another error means the message was
// rejected before a header could be read.
func (s *Server) serve(ctx context.Context, body []byte) ([]byte, error) {
	reply, r, err := s.answer(ctx, body)
	if err == nil && reply == nil && r.hdr.MessageCategory != CategoryAbort {
		return nil, ErrNoReply
	}
	return reply, err
}

// answer answers a message; nil for an Abort or a reply that failed to
// seal.
func (s *Server) answer(ctx context.Context, body []byte) ([]byte, *request, error) {
	r, err := s.decode(body)
	if err != nil {
		if r == nil {
			s.log.Warn("nexo message rejected", "err", err)
			return nil, nil, err
		}
		return s.refused(r, err), r, nil
	}
	s.log.Info("nexo request", "category", r.hdr.MessageCategory,
		"sale", r.hdr.SaleID, "service", r.hdr.ServiceID, "encrypted", r.key != nil)
	switch r.hdr.MessageCategory {
	case CategoryAbort:
		return s.abort(ctx, r), r, nil
	case CategoryTransactionStatus:
		return s.status(r), r, nil
	case CategoryDiagnosis:
		return s.diagnosis(r), r, nil
	case CategoryAdmin:
		switch r.body.(type) {
		case *identityRequest:
			return s.identity(r), r, nil
		case *updateRequest:
			return s.update(r), r, nil
		}
		return s.admin(r), r, nil
	}
	return s.runOnce(ctx, r), r, nil
}

// runOnce runs a request with effects (Payment, CardAcquisition, Input,
// Display) at most once per (SaleID, ServiceID): a repeat is answered from
// the store. The response is persisted before it is returned.
func (s *Server) runOnce(ctx context.Context, r *request) []byte {
	if s.store == nil {
		return s.failure(r, CondUnavailableService, "no ServiceID store")
	}
	prev, fresh, err := s.store.Begin(r.hdr.SaleID, r.hdr.ServiceID, r.keyName(), r.hdr.MessageCategory, r.hash)
	if err != nil {
		s.log.Error("ServiceID store", "err", err)
		return s.failure(r, CondUnavailableService, "ServiceID store unavailable")
	}
	if !fresh {
		return s.repeat(r, prev)
	}
	reply := s.perform(ctx, r)
	stored := reply
	if r.key == nil && reply != nil {
		// A sealed reply keeps its credential sealed; a plain one is
		// stored without it (a repeat then lacks it too).
		var err error
		if stored, err = withoutCredentials(reply); err != nil {
			s.log.Error("ServiceID store: reply kept without a body", "err", err)
		}
	}
	if err := s.store.Finish(r.hdr.SaleID, r.hdr.ServiceID, stored); err != nil {
		// The Terminal acted; the POS must still learn what happened.
		s.log.Error("ServiceID store: response not persisted", "err", err)
	}
	return reply
}

// repeat answers a request whose (SaleID, ServiceID) is in the store.
func (s *Server) repeat(r *request, prev Entry) []byte {
	switch {
	case prev.Hash != r.hash || prev.Category != r.hdr.MessageCategory || prev.Key != r.keyName():
		// Under another key it is another POS's request, whatever it
		// holds: its answer is not this caller's to read.
		return s.failure(r, CondNotAllowed,
			fmt.Sprintf("%v: ServiceID %s was used for another request within %v", ErrDuplicateServiceID, r.hdr.ServiceID, DefaultServiceIDTTL))
	case prev.State == StateDone:
		s.log.Info("repeat answered from the store", "sale", r.hdr.SaleID, "service", r.hdr.ServiceID)
		return prev.Response
	case prev.State == StateRunning:
		return s.failure(r, CondInProgress, "the first request with this ServiceID is still running")
	}
	if prev.Category == CategoryPayment {
		return s.failure(r, CondInProgress, resolvingMessage, AddState, StateInterrupted.String())
	}
	return s.failure(r, CondAborted, interruptedMessage, AddState, StateInterrupted.String())
}

// resolvingMessage answers for a Payment a restart cut short until the
// terminal has found out what became of it and settled it (Settle).
const resolvingMessage = "interrupted by a terminal restart: the terminal is finding out whether it was charged; ask again"

const interruptedMessage = "interrupted by a terminal restart; outcome unknown: check the payment system before retrying"

// perform makes the Terminal call for r and encodes its answer.
func (s *Server) perform(ctx context.Context, r *request) []byte {
	pctx, pc := s.pending.start(ctx, r)
	defer s.pending.finish(pc)
	var name string
	var body any
	switch b := r.body.(type) {
	case *PaymentRequest:
		name, body = s.payment(pctx, pc, r, b)
	case *CardAcquisitionRequest:
		name, body = s.acquire(pctx, pc, r, b)
	case *DisplayRequest:
		name, body = s.display(pctx, r, b)
	case *InputRequest:
		name, body = s.input(pctx, r, b)
	case *printBody:
		name, body = s.print(pctx, r, b)
	case *displayDocument:
		name, body = s.displayDocument(pctx, r, b)
	default:
		return s.failure(r, CondUnavailableService, ErrUnsupported.Error())
	}
	return s.encodeReply(r, name, body)
}

// call is the Terminal's view of r.
func (s *Server) call(r *request, sale *SaleData) Call {
	c := Call{SaleID: r.hdr.SaleID, ServiceID: r.hdr.ServiceID, POIID: s.cfg.POIID, Key: r.keyName()}
	if c.POIID == "" {
		c.POIID = r.hdr.POIID
	}
	if sale != nil {
		c.TransactionID = sale.SaleTransactionID.TransactionID
	}
	return c
}

// refused answers a request that failed decoding after its header was
// read.
func (s *Server) refused(r *request, err error) []byte {
	cond := CondMessageFormat
	var rf *refusal
	if errors.As(err, &rf) {
		cond = rf.cond
	}
	s.log.Warn("nexo request refused", "category", r.hdr.MessageCategory,
		"sale", r.hdr.SaleID, "service", r.hdr.ServiceID, "condition", cond, "err", err)
	return s.failure(r, cond, err.Error())
}

// failure encodes a Failure response for r with a readable message and
// extra AdditionalResponse pairs.
func (s *Server) failure(r *request, cond, message string, extra ...string) []byte {
	resp := Response{
		Result:             ResultFailure,
		ErrorCondition:     cond,
		AdditionalResponse: formatAdditional(append([]string{AddMessage, message}, extra...)...),
	}
	name, body := s.failureBody(r, resp)
	return s.encodeReply(r, name, body)
}

// encodeReply writes the response to r, mirroring its header, encrypted
// under r's key when r arrived encrypted. When sealing fails it returns
// nil, never the plain bytes: a reply meant to be sealed may hold a
// credential.
func (s *Server) encodeReply(r *request, name string, body any) []byte {
	h := r.hdr
	h.MessageType = TypeResponse
	plain, err := marshalEnvelope(rootResponse, field{"MessageHeader", h}, field{name, body})
	if err != nil {
		// Only a programming error gets here; answer with what cannot fail.
		s.log.Error("encode reply", "err", err)
		plain, _ = marshalEnvelope(rootResponse, field{"MessageHeader", h},
			field{name, statusBody{Response{Result: ResultFailure, ErrorCondition: CondUnavailableService}}})
	}
	if r.key == nil {
		return plain
	}
	sealed, err := s.seal(rootResponse, h, plain, *r.key)
	if err != nil {
		s.log.Error("seal reply: nothing sent", "sale", h.SaleID, "service", h.ServiceID, "err", err)
		return nil
	}
	return sealed
}

// rejectEvent is the reply to a message without a readable header.
func (s *Server) rejectEvent(err error) []byte {
	h := MessageHeader{
		ProtocolVersion: ProtocolVersion,
		MessageClass:    ClassEvent,
		MessageCategory: CategoryEvent,
		MessageType:     TypeNotification,
		DeviceID:        s.cfg.POIID,
		POIID:           s.cfg.POIID,
	}
	ev := EventNotification{
		TimeStamp:     nexoTime(s.now()),
		EventToNotify: "Reject",
		EventDetails:  formatAdditional(AddMessage, err.Error()),
	}
	b, _ := marshalEnvelope(rootRequest, field{"MessageHeader", h}, field{"EventNotification", ev}) // plain types
	return b
}

// nexoTime formats t as nexo wants it: UTC, milliseconds, "Z".
func nexoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// poiData names the terminal's transaction: base-36 milliseconds since
// 1970 and the ServiceID, unique per terminal and readable in logs.
func poiData(now time.Time, serviceID string) POIData {
	return POIData{POITransactionID: TransactionIdentification{
		TransactionID: strconv.FormatInt(now.UnixMilli(), 36) + "." + serviceID,
		TimeStamp:     nexoTime(now),
	}}
}

// orderHashOf is the hash in a reply: the Terminal's, else none.
func orderHashOf(res Result) string {
	if res.Hash.IsZero() {
		return ""
	}
	return res.Hash.String()
}

// noTerminal stands in for a missing Terminal: it refuses everything.
type noTerminal struct{}

var errNoTerminal = &ConditionError{Condition: CondUnavailableService, Reason: "no terminal"}

func (noTerminal) Payment(context.Context, Call, order.Order) Result {
	return Result{Condition: CondUnavailableService, Reason: "no terminal"}
}
func (noTerminal) Acquire(context.Context, Call, order.Order) Result {
	return Result{Condition: CondUnavailableService, Reason: "no terminal"}
}
func (noTerminal) Outcome(context.Context, Call, RelayOutcome) error     { return errNoTerminal }
func (noTerminal) Abort(context.Context, Call, MessageReference, string) {}
func (noTerminal) Confirm(context.Context, Call, string) (bool, error)   { return false, errNoTerminal }
func (noTerminal) Display(context.Context, Call, string) error           { return errNoTerminal }
