package payhost

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestMaskCode(t *testing.T) {
	cases := []struct{ in, want string }{
		{"134567890123456789", "13************6789"},
		{"1234567", "12*4567"},
		{"123456", "******"},
		{"", ""},
		{"face:tok-alice-01", "face:to******e-01"},
		{"face:abc", "face:***"},
	}
	for _, tc := range cases {
		if got := MaskCode(tc.in); got != tc.want {
			t.Errorf("MaskCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPayRequestNeverPrintsTheCode: every way of printing or logging a
// request masks the code.
func TestPayRequestNeverPrintsTheCode(t *testing.T) {
	const code = "134567890123456789"
	st := goodStatement()
	req := PayRequest{OutTradeNo: "o1", AuthCode: code, Amount: 5, Currency: "CNY", Statement: &st, Signature: st.Sign(testKey("a"))}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("pay", "req", req)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("pay", "req", req)
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", req),
		"%+v":  fmt.Sprintf("%+v", req),
		"%#v":  fmt.Sprintf("%#v", req),
		"%s":   fmt.Sprintf("%s", req),
		"slog": buf.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, code) || strings.Contains(out, st.Credential) {
			t.Errorf("%s prints the code or its digest: %s", how, out)
		}
		if !strings.Contains(out, st.Nonce) {
			t.Errorf("%s does not name the statement: %s", how, out)
		}
		if !strings.Contains(out, MaskCode(code)) || !strings.Contains(out, "o1") {
			t.Errorf("%s lost the masked code or the reference: %s", how, out)
		}
	}
}
