package poslink

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestWithoutCredentials(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"payment code",
			`{"SaleToPOIResponse":{"MessageHeader":{"SaleID":"P"},"CardAcquisitionResponse":{"PaymentInstrumentData":{"PaymentInstrumentType":"PaymentCode","PaymentCode":"283712345678901234"},"OrderHash":"ab"}}}`,
			`{"SaleToPOIResponse":{"MessageHeader":{"SaleID":"P"},"CardAcquisitionResponse":{"PaymentInstrumentData":{"PaymentInstrumentType":"PaymentCode"},"OrderHash":"ab"}}}`},
		{"face token first", `{"A":{"FaceToken":"tok","B":1.50}}`, `{"A":{"B":1.50}}`},
		{"only member", `{"PaymentCode":{"nested":[1,2]}}`, `{}`},
		{"in an array", `[{"PaymentCode":"x"},{"FaceToken":null,"k":true}]`, `[{},{"k":true}]`},
		{"additional response", `{"Response":{"AdditionalResponse":"method=code&paymentCode=2837&orderHash=ab"}}`,
			`{"Response":{"AdditionalResponse":"method=code&orderHash=ab"}}`},
		{"additional response, escaped key", `{"AdditionalResponse":"payment%43ode=2837&message=a%20b"}`,
			`{"AdditionalResponse":"message=a%20b"}`},
		{"other members keep order and text", `{"z":"<b>&","a":-0.0e1,"m":"\u00e9"}`, `{"z":"<b>&","a":-0.0e1,"m":"é"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := withoutCredentials([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			// Marshal escapes HTML in strings; compare as JSON when
			// the text differs only so.
			if string(got) != tt.want && !jsonEqual(got, []byte(tt.want)) {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{"a":1}x`, `{"a":}`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		if _, err := withoutCredentials([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ab, _ := json.Marshal(x)
	bb, _ := json.Marshal(y)
	return bytes.Equal(ab, bb)
}

// FuzzWithoutCredentials: for any input, the output is valid JSON with
// no credential member left, or an error.
func FuzzWithoutCredentials(f *testing.F) {
	f.Add([]byte(`{"SaleToPOIResponse":{"CardAcquisitionResponse":{"PaymentInstrumentData":{"PaymentCode":"1"}}}}`))
	f.Add([]byte(`[{"FaceToken":"x"},{"AdditionalResponse":"paymentCode=1&a=b"}]`))
	f.Add([]byte(`{"a":"\ud800","b":1e400}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := withoutCredentials(in)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output %q from %q", out, in)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, e := range v {
					if isCredentialMember(k) {
						t.Fatalf("%s left in %q", k, out)
					}
					if s, ok := e.(string); ok && k == "AdditionalResponse" && ParseAdditional(s).Has(AddPaymentCode) {
						t.Fatalf("paymentCode left in %q", out)
					}
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		var v any
		if json.Unmarshal(out, &v) == nil {
			walk(v)
		}
	})
}
