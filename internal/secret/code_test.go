package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const code = "134567890123456789"

// TestCodeNeverPrints: every fmt verb and flag, and both slog handlers,
// show the code masked, alone or inside the values people log.
func TestCodeNeverPrints(t *testing.T) {
	c := Code(code)
	type wrap struct{ Code Code }
	for _, format := range []string{
		"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "% x", "%d", "%20s", "%-20v", "%.30s", "%T=%[1]v",
	} {
		for what, v := range map[string]any{
			"code":    c,
			"pointer": &c,
			"struct":  wrap{c},
			"slice":   []Code{c},
			"map":     map[Code]Code{c: c},
			"error":   fmt.Errorf("wrapped %v", c),
		} {
			if out := fmt.Sprintf(format, v); leaks(out) {
				t.Errorf("Sprintf(%q, %s) = %s", format, what, out)
			}
		}
	}
	if out := fmt.Sprint(c) + fmt.Sprintln(c) + c.String() + c.GoString(); leaks(out) {
		t.Errorf("Sprint and friends: %s", out)
	}

	var buf bytes.Buffer
	text := slog.NewTextHandler(&buf, nil)
	for _, h := range []slog.Handler{text, slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("read", "code", c)
		l.Info("read", slog.Any("code", c), slog.Group("g", "code", c))
		l.With("code", c).Info("with")
		l.Info("err", "err", errors.New(fmt.Sprint(c)))
		if h == text { // it formats a struct with %+v; the JSON one encodes it (see Code)
			l.Info("struct", "v", wrap{c})
		}
	}
	out := buf.String()
	if leaks(out) {
		t.Errorf("slog leaks the code:\n%s", out)
	}
	if n := strings.Count(out, Mask(code)); n < 11 {
		t.Errorf("slog shows the masked code %d times, want at least 11:\n%s", n, out)
	}
}

// leaks reports whether out holds the code or its middle in clear or in
// hex (for %x).
func leaks(out string) bool {
	out = strings.ToLower(out)
	for _, s := range []string{code, code[2:14], fmt.Sprintf("%x", code[2:14]), fmt.Sprintf("% x", code[2:14])} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

func TestCodeShowsTheMask(t *testing.T) {
	c := Code(code)
	tests := []struct{ format, want string }{
		{"%v", "13************6789"},
		{"%s", "13************6789"},
		{"%q", `"13************6789"`},
		{"%#v", `secret.Code("13************6789")`},
		{"%20s", "  13************6789"},
		{"%x", fmt.Sprintf("%x", "13************6789")},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf(tt.format, c); got != tt.want {
			t.Errorf("Sprintf(%q) = %s, want %s", tt.format, got, tt.want)
		}
	}
}

// TestRevealAndJSON: Reveal and encoders give the real code; masking is
// for people, never for the wire.
func TestRevealAndJSON(t *testing.T) {
	c := Code(code)
	if c.Reveal() != code {
		t.Errorf("Reveal = %q", c.Reveal())
	}
	b, err := json.Marshal(struct{ C Code }{c})
	if err != nil || string(b) != `{"C":"`+code+`"}` {
		t.Errorf("json = %s, %v; want the real code", b, err)
	}
	var back struct{ C Code }
	if err := json.Unmarshal(b, &back); err != nil || back.C != c {
		t.Errorf("json round trip = %q, %v", back.C.Reveal(), err)
	}
}
