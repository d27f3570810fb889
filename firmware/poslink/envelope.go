package poslink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Envelope roots.
const (
	rootRequest  = "SaleToPOIRequest"
	rootResponse = "SaleToPOIResponse"
)

// envelope is one message split into its parts, the body still raw:
// {"<Root>":{"MessageHeader":{...},"<BodyName>":{...}}} or, encrypted,
// {"<Root>":{"MessageHeader":{...},"NexoBlob":"...","SecurityTrailer":{...}}}.
type envelope struct {
	Root      string
	Header    MessageHeader
	HasHeader bool // Header decoded; a Failure can mirror it
	BodyName  string
	Body      json.RawMessage
	Blob      string           // NexoBlob, base64; "" when plain
	Trailer   *SecurityTrailer // non-nil when encrypted
}

// Secured reports whether the message is encrypted.
func (e *envelope) Secured() bool { return e.Trailer != nil || e.Blob != "" }

// splitEnvelope parses a message without decoding its body. Keys match
// case-sensitively, as Adyen writes them. On error, e.HasHeader says
// whether the header was read before the problem was found.
func splitEnvelope(data []byte) (e envelope, err error) {
	// Both outer levels in one pass: the JSON is validated once here and
	// once more when the body is decoded, not at every level.
	var both map[string]map[string]json.RawMessage
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &both) == nil && len(both) == 1 {
		for k, v := range both {
			e.Root, top = k, v
		}
		if e.Root != rootRequest && e.Root != rootResponse {
			return e, fmt.Errorf("unknown message root %.40q: %w", e.Root, ErrMessageFormat)
		}
		if top == nil {
			return e, fmt.Errorf("%s is not an object: %w", e.Root, ErrMessageFormat)
		}
	} else if top, err = splitRoot(data, &e); err != nil {
		return e, err
	}
	h, ok := top["MessageHeader"]
	if !ok {
		return e, fmt.Errorf("MessageHeader missing: %w", ErrMessageFormat)
	}
	if err := json.Unmarshal(h, &e.Header); err != nil {
		return e, fmt.Errorf("MessageHeader: %w", ErrMessageFormat)
	}
	e.HasHeader = true
	delete(top, "MessageHeader")

	if blob, ok := top["NexoBlob"]; ok {
		if err := json.Unmarshal(blob, &e.Blob); err != nil { // an empty one fails authentication, as any bad blob
			return e, fmt.Errorf("NexoBlob is not a base64 string: %w", ErrMessageFormat)
		}
		tr, ok := top["SecurityTrailer"]
		if !ok {
			return e, fmt.Errorf("NexoBlob without SecurityTrailer: %w", ErrMessageFormat)
		}
		e.Trailer = new(SecurityTrailer)
		if err := json.Unmarshal(tr, e.Trailer); err != nil {
			return e, fmt.Errorf("SecurityTrailer: %w", ErrMessageFormat)
		}
		delete(top, "NexoBlob")
		delete(top, "SecurityTrailer")
		if len(top) != 0 {
			return e, fmt.Errorf("plain body beside NexoBlob: %w", ErrMessageFormat)
		}
		return e, nil
	}
	delete(top, "SecurityTrailer") // Adyen's plain messages may carry an empty one
	if len(top) > 1 {
		return e, fmt.Errorf("%d message bodies, want one: %w", len(top), ErrMessageFormat)
	}
	for k, v := range top {
		e.BodyName, e.Body = k, v
	}
	return e, nil
}

// splitRoot is the slow path of splitEnvelope, for messages that are not
// an object of objects: it says which level is wrong.
func splitRoot(data []byte, e *envelope) (map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", ErrMessageFormat)
	}
	if len(top) != 1 {
		return nil, fmt.Errorf("want one of %s or %s at the top: %w", rootRequest, rootResponse, ErrMessageFormat)
	}
	var inner map[string]json.RawMessage
	for k, v := range top {
		e.Root = k
		if k != rootRequest && k != rootResponse {
			return nil, fmt.Errorf("unknown message root %.40q: %w", k, ErrMessageFormat)
		}
		if err := json.Unmarshal(v, &inner); err != nil || inner == nil {
			return nil, fmt.Errorf("%s is not an object: %w", k, ErrMessageFormat)
		}
	}
	return inner, nil
}

// bodyName is the body key for a category and message type:
// "PaymentRequest", "PaymentResponse", "EventNotification".
func bodyName(category, msgType string) string {
	if category == CategoryEvent {
		return "EventNotification"
	}
	return category + msgType
}

// validName reports whether s can stand in a body key: a nexo category is
// a short CamelCase word.
func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
	}) < 0
}

// field is one member of a JSON object, written in order.
type field struct {
	name  string
	value any
}

// marshalEnvelope writes {"<root>":{fields in order}}.
func marshalEnvelope(root string, fields ...field) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{`)
	writeKey(&b, root)
	b.WriteString(`{`)
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(&b, f.name)
		v, err := marshalJSON(f.value)
		if err != nil {
			return nil, fmt.Errorf("poslink: encode %s: %w", f.name, err)
		}
		b.Write(v)
	}
	b.WriteString(`}}`)
	return b.Bytes(), nil
}

func writeKey(b *bytes.Buffer, k string) {
	q, _ := json.Marshal(k) // a string always marshals
	b.Write(q)
	b.WriteByte(':')
}

// marshalJSON is json.Marshal without HTML escaping, so that '&' in
// AdditionalResponse stays readable; json.RawMessage passes through.
func marshalJSON(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		return raw, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
