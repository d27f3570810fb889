package poslink

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"payterm/firmware/order"
)

// request is a decoded and checked SaleToPOIRequest.
type request struct {
	hdr  MessageHeader
	key  *sealKey // non-nil when it arrived encrypted: the reply goes out under it
	body any      // *PaymentRequest, *CardAcquisitionRequest, *AbortRequest, ...
	sale *SaleData
	// order is the order of a Payment or CardAcquisition, validated but
	// for invalid (see customerSees).
	order order.Order
	// invalid is why order's amounts do not add up; nil for a valid order.
	// Such an order goes to the Terminal only so that the customer sees it
	// refused; it can never be answered with Success.
	invalid error
	// hash identifies the request's content for repeat detection.
	hash [32]byte
	// relay marks a PaymentRequest whose SaleToAcquirerData asks for
	// relay mode (see RelayMarker): it runs as Terminal.Acquire.
	relay bool
}

// keyName is the link key r was authenticated with,
// "<KeyIdentifier>/<KeyVersion>", or "" for a plain request (Call.Key).
func (r *request) keyName() string {
	if r.key == nil {
		return ""
	}
	return r.key.ref.id + "/" + strconv.Itoa(r.key.ref.version)
}

// Limits on header IDs and display text.
const (
	maxIDLen       = 64   // SaleID, ServiceID, POIID bytes
	maxDisplayText = 1024 // bytes of text to show
	maxOutputs     = 16   // DisplayOutput entries, OutputText lines
	maxInputTime   = 3600 // seconds
)

// decode reads, authenticates and checks a request. On error, a nil
// request means no header could be read (reject the message); otherwise
// the request holds the header (and the key, once authenticated) to
// answer with a Failure, and the error is usually a *refusal naming the
// ErrorCondition.
func (s *Server) decode(data []byte) (*request, error) {
	if len(data) > s.cfg.MaxBody {
		return nil, fmt.Errorf("poslink: %d bytes, at most %d: %w", len(data), s.cfg.MaxBody, ErrTooLarge)
	}
	e, err := splitEnvelope(data)
	if err != nil || e.Root != rootRequest {
		if err == nil {
			err = fmt.Errorf("%s is not a request: %w", e.Root, ErrMessageFormat)
		}
		if !e.HasHeader || e.Root != rootRequest || !validName(e.Header.MessageCategory) {
			return nil, fmt.Errorf("poslink: %w", err)
		}
		return &request{hdr: e.Header}, refuse(CondMessageFormat, err)
	}
	if !validName(e.Header.MessageCategory) {
		return nil, fmt.Errorf("poslink: MessageCategory %.40q: %w", e.Header.MessageCategory, ErrMessageFormat)
	}
	r := &request{hdr: e.Header}

	if e.Secured() {
		k, err := keyFor(&e, s.cfg.Keys)
		if err != nil {
			cond := CondMessageFormat
			if errors.Is(err, ErrUnknownKey) {
				cond = CondNotAllowed
			}
			return r, refuse(cond, err)
		}
		inner, err := openEnvelope(&e, k)
		if err != nil {
			cond := CondMessageFormat
			if errors.Is(err, ErrAuthentication) {
				cond = CondNotAllowed
			} else if inner.HasHeader {
				r.key = &k // authenticated: answer under the same key
			}
			return r, refuse(cond, err)
		}
		e, r.key = inner, &k
	} else if !s.cfg.AllowPlaintext {
		return r, refuse(CondNotAllowed, ErrEncryptionRequired)
	}

	if err := s.checkHeader(&e.Header); err != nil {
		return r, err
	}
	if err := r.decodeBody(&e); err != nil {
		return r, err
	}
	return r, nil
}

// checkHeader checks the header fields every request needs.
func (s *Server) checkHeader(h *MessageHeader) error {
	switch {
	case h.MessageClass != ClassService:
		return refuse(CondMessageFormat, fmt.Errorf("MessageClass %.20q, want Service: %w", h.MessageClass, ErrMessageFormat))
	case h.MessageType != TypeRequest:
		return refuse(CondMessageFormat, fmt.Errorf("MessageType %.20q, want Request: %w", h.MessageType, ErrMessageFormat))
	}
	for _, f := range [...]struct{ name, v string }{{"SaleID", h.SaleID}, {"ServiceID", h.ServiceID}, {"POIID", h.POIID}} {
		if err := checkID(f.name, f.v); err != nil {
			return refuse(CondMessageFormat, err)
		}
	}
	if s.cfg.POIID != "" && h.POIID != s.cfg.POIID {
		return refuse(CondNotAllowed, fmt.Errorf("POIID %.64q: %w", h.POIID, ErrWrongPOI))
	}
	return nil
}

func checkID(name, v string) error {
	if v == "" {
		return fmt.Errorf("%s missing: %w", name, ErrMessageFormat)
	}
	if len(v) > maxIDLen || !printable(v) {
		return fmt.Errorf("%s is not up to %d printable characters: %w", name, maxIDLen, ErrMessageFormat)
	}
	return nil
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// decodeBody decodes the body for the header's category and checks it.
func (r *request) decodeBody(e *envelope) error {
	cat := r.hdr.MessageCategory
	want := bodyName(cat, TypeRequest)
	switch cat {
	case CategoryPayment, CategoryCardAcquisition, CategoryAbort,
		CategoryTransactionStatus, CategoryInput, CategoryDisplay, CategoryDiagnosis, CategoryAdmin, CategoryPrint:
	default:
		return refuse(CondUnavailableService, fmt.Errorf("MessageCategory %s: %w", cat, ErrUnsupported))
	}
	if e.BodyName != want {
		got := e.BodyName
		if got == "" {
			got = "no body"
		}
		return refuse(CondMessageFormat, fmt.Errorf("want %s, got %.40s: %w", want, got, ErrMessageFormat))
	}
	r.hash = requestHash(cat, e.Body)
	var err error
	switch cat {
	case CategoryPayment:
		err = r.decodePayment(e.Body)
	case CategoryCardAcquisition:
		err = r.decodeAcquisition(e.Body)
	case CategoryAbort:
		err = r.decodeAbort(e.Body)
	case CategoryTransactionStatus:
		err = r.decodeStatus(e.Body)
	case CategoryInput:
		err = r.decodeInput(e.Body)
	case CategoryDisplay:
		err = r.decodeDisplay(e.Body)
	case CategoryPrint:
		err = r.decodePrint(e.Body)
	case CategoryDiagnosis:
		d := new(DiagnosisRequest)
		err = unmarshalBody("DiagnosisRequest", e.Body, d)
		r.body = d
	case CategoryAdmin:
		err = r.decodeAdminService(e.Body)
	}
	if err == nil {
		return nil
	}
	var rf *refusal
	if errors.As(err, &rf) {
		return err
	}
	return refuse(CondMessageFormat, err)
}

// unmarshalBody decodes a body; type errors name the field.
func unmarshalBody(name string, raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: field %s: %s is not a %s: %w", name, te.Field, te.Value, te.Type, ErrMessageFormat)
		}
		return fmt.Errorf("%s: %w", name, ErrMessageFormat)
	}
	return nil
}

func (r *request) decodePayment(raw json.RawMessage) error {
	p := new(PaymentRequest)
	if err := unmarshalBody("PaymentRequest", raw, p); err != nil {
		return err
	}
	r.body, r.sale = p, &p.SaleData
	relay, err := relayRequested(p.SaleData.SaleToAcquirerData)
	if err != nil {
		return err
	}
	r.relay = relay
	o, err := orderFromPayment(p)
	r.order = o
	if err == nil {
		r.invalid = o.Validate()
	}
	return err
}

func (r *request) decodeAcquisition(raw json.RawMessage) error {
	c := new(CardAcquisitionRequest)
	if err := unmarshalBody("CardAcquisitionRequest", raw, c); err != nil {
		return err
	}
	r.body, r.sale = c, &c.SaleData
	o, err := orderFromAcquisition(c)
	r.order = o
	if err == nil {
		r.invalid = o.Validate()
	}
	return err
}

func (r *request) decodeAbort(raw json.RawMessage) error {
	a := new(AbortRequest)
	if err := unmarshalBody("AbortRequest", raw, a); err != nil {
		return err
	}
	r.body = a
	if a.MessageReference.SaleID != "" && a.MessageReference.SaleID != r.hdr.SaleID {
		return refuse(CondNotAllowed, errors.New("AbortRequest: a POS may abort only its own SaleID"))
	}
	return nil
}

func (r *request) decodeStatus(raw json.RawMessage) error {
	t := new(TransactionStatusRequest)
	if err := unmarshalBody("TransactionStatusRequest", raw, t); err != nil {
		return err
	}
	r.body = t
	if ref := t.MessageReference; ref != nil && ref.SaleID != "" && ref.SaleID != r.hdr.SaleID {
		return refuse(CondNotAllowed, errors.New("TransactionStatusRequest: a POS may ask only about its own SaleID"))
	}
	return nil
}

func (r *request) decodeInput(raw json.RawMessage) error {
	in := new(InputRequest)
	if err := unmarshalBody("InputRequest", raw, in); err != nil {
		return err
	}
	r.body = in
	if c := in.InputData.InputCommand; c != "GetConfirmation" {
		return refuse(CondUnavailableService, fmt.Errorf("InputCommand %.30q: only GetConfirmation: %w", c, ErrUnsupported))
	}
	if t := in.InputData.MaxInputTime; t < 0 || t > maxInputTime {
		return fmt.Errorf("MaxInputTime %d s not within 0..%d: %w", t, maxInputTime, ErrMessageFormat)
	}
	var text string
	if in.DisplayOutput != nil {
		text = outputText(in.DisplayOutput.OutputContent.OutputText)
	}
	return checkDisplayText(text, len(in.DisplayOutput.lines()))
}

func (r *request) decodeDisplay(raw json.RawMessage) error {
	d := new(DisplayRequest)
	if err := unmarshalBody("DisplayRequest", raw, d); err != nil {
		return err
	}
	r.body = d
	if n := len(d.DisplayOutput); n == 0 || n > maxOutputs {
		return fmt.Errorf("%d DisplayOutputs, want 1..%d: %w", n, maxOutputs, ErrMessageFormat)
	}
	if hasPDF(d) {
		return r.decodeDisplayDocument(d)
	}
	text := displayText(d)
	if _, isOutcome := outcomeOf(d); isOutcome {
		session, reason, n := sessionOf(d)
		if len(reason) > maxDisplayText || !utf8.ValidString(reason) {
			return fmt.Errorf("outcome text is not up to %d bytes of UTF-8: %w", maxDisplayText, ErrMessageFormat)
		}
		if n != 1 {
			// Not tied to a session, any POS could put "Paid" on the
			// screen of another's customer.
			return refuse(CondNotAllowed, fmt.Errorf("an outcome Display needs one OutputText line %q<ServiceID of the CardAcquisition>, got %d", SessionPrefix, n))
		}
		return checkID("session", session)
	}
	lines := 0
	for i := range d.DisplayOutput {
		lines += len(d.DisplayOutput[i].lines())
	}
	return checkDisplayText(text, lines)
}

func checkDisplayText(text string, lines int) error {
	switch {
	case text == "":
		return fmt.Errorf("nothing to display (no OutputText): %w", ErrMessageFormat)
	case lines > maxOutputs:
		return fmt.Errorf("%d lines of OutputText, at most %d: %w", lines, maxOutputs, ErrMessageFormat)
	case len(text) > maxDisplayText || !utf8.ValidString(text):
		return fmt.Errorf("text is not up to %d bytes of UTF-8: %w", maxDisplayText, ErrMessageFormat)
	}
	return nil
}

func (d *DisplayOutput) lines() []OutputText {
	if d == nil {
		return nil
	}
	return d.OutputContent.OutputText
}

// requestHash identifies a request's content: its category and its body
// without insignificant whitespace and without the values of TimeStamp
// members. A repeat hashes alike even when re-encrypted under a new nonce
// or stamped anew by a POS library that resends a request whose reply was
// lost; a resend is the same library's encoding, so key order is kept.
func requestHash(category string, body json.RawMessage) [32]byte {
	var compact bytes.Buffer
	if json.Compact(&compact, body) != nil {
		compact.Reset()
		compact.Write(body)
	}
	h := sha256.New()
	h.Write([]byte("payterm/nexo-request/v2\x00"))
	h.Write([]byte(category))
	h.Write([]byte{0})
	writeWithoutTimeStamps(h, compact.Bytes())
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// writeWithoutTimeStamps writes compacted JSON with the string value of
// every TimeStamp member left out.
func writeWithoutTimeStamps(w io.Writer, b []byte) {
	key := []byte(`"TimeStamp":"`)
	for {
		i := bytes.Index(b, key)
		if i < 0 {
			w.Write(b)
			return
		}
		w.Write(b[:i+len(key)])
		b = b[i+len(key):]
		for j := 0; j < len(b); j++ {
			if b[j] == '\\' {
				j++
				continue
			}
			if b[j] == '"' {
				b = b[j:]
				break
			}
		}
	}
}
