package payhost

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"payterm/internal/secret"
)

// TestMaskKeepsFacePrefix: the one rule keeps our FacePrefix visible.
func TestMaskKeepsFacePrefix(t *testing.T) {
	if got := secret.Mask(FacePrefix + "tok-alice-01"); got != FacePrefix+"to******e-01" {
		t.Errorf("secret.Mask does not keep FacePrefix %q: %q", FacePrefix, got)
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
		if !strings.Contains(out, secret.Mask(code)) || !strings.Contains(out, "o1") {
			t.Errorf("%s lost the masked code or the reference: %s", how, out)
		}
	}
}
