package poslink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
)

// AddPaymentCode and AddFaceToken are the AdditionalResponse keys relay
// replies carry a credential under; like the PaymentCode and FaceToken
// members they are never stored in the clear.
const AddPaymentCode = "paymentCode"

// isCredentialMember reports whether a JSON member named name holds a
// customer's credential.
func isCredentialMember(name string) bool { return name == "PaymentCode" || name == "FaceToken" }

// withoutCredentials returns a plain nexo message with every credential
// removed: the PaymentCode and FaceToken members wherever they are, and
// the paymentCode pairs of every AdditionalResponse. Everything else
// keeps its order and values. It is what the ServiceID store keeps of a
// reply to a plain request: a repeat or TransactionStatus then tells the
// outcome without handing the credential out again.
func withoutCredentials(msg []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.UseNumber()
	var out bytes.Buffer
	if err := copyValue(dec, &out, "", 0); err != nil {
		return nil, fmt.Errorf("poslink: strip credentials: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("poslink: strip credentials: data after the message")
	}
	return out.Bytes(), nil
}

// maxScrubDepth bounds nesting; nexo messages are a few levels deep.
const maxScrubDepth = 64

// copyValue copies one JSON value from dec to out, leaving credential
// members out; member is the name the value belongs to ("" in arrays and
// at the top).
func copyValue(dec *json.Decoder, out *bytes.Buffer, member string, depth int) error {
	if depth > maxScrubDepth {
		return errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return copyObject(dec, out, depth)
		case '[':
			return copyArray(dec, out, depth)
		}
		return fmt.Errorf("unexpected %v", v)
	case string:
		if member == "AdditionalResponse" {
			v = withoutAdditional(v, AddPaymentCode, AddFaceToken)
		}
		b, _ := json.Marshal(v) // a string: cannot fail
		out.Write(b)
	case json.Number:
		out.WriteString(v.String())
	case bool:
		fmt.Fprint(out, v)
	case nil:
		out.WriteString("null")
	}
	return nil
}

func copyObject(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	out.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return errors.New("member name is not a string")
		}
		if isCredentialMember(name) {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		b, _ := json.Marshal(name)
		out.Write(b)
		out.WriteByte(':')
		if err := copyValue(dec, out, name, depth+1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	out.WriteByte('}')
	return nil
}

func copyArray(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	out.WriteByte('[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		if err := copyValue(dec, out, "", depth+1); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return err
	}
	out.WriteByte(']')
	return nil
}

// withoutAdditional drops the pairs named key from an AdditionalResponse,
// leaving the others exactly as written.
func withoutAdditional(s string, keys ...string) string {
	pairs := strings.Split(s, "&")
	kept := pairs[:0]
	for _, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if slices.Contains(keys, k) || err == nil && slices.Contains(keys, name) {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}
