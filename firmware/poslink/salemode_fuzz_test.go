package poslink

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
)

// FuzzRelayRequested: the SaleToAcquirerData reader never panics, fails
// only with ErrMessageFormat, and says relay exactly when the string's
// query pairs hold payterm.mode=relay once (as net/url reads them).
func FuzzRelayRequested(f *testing.F) {
	for _, s := range []string{
		``, `null`, `"payterm.mode=relay"`, `"a=1&payterm.mode=relay&b=%zz"`, `"payterm%2Emode=rel%61y"`,
		`"payterm.mode=direct"`, `"payterm.mode=relay&payterm.mode=relay"`, `{"payterm.mode":"relay"}`,
		`"payterm.mode=%zz"`, `"eyJhIjoxfQ=="`, `12`, `"payterm.mode=relay;x"`, `"=&&=payterm.mode"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		relay, err := relayRequested(raw)
		if err != nil {
			if relay || !errors.Is(err, ErrMessageFormat) {
				t.Fatalf("relay %v, err %v", relay, err)
			}
			return
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			if relay {
				t.Fatalf("relay from a non-string %q", raw)
			}
			return
		}
		if len(raw) > maxSaleToAcquirerData {
			return
		}
		q, _ := url.ParseQuery(s) // keeps the pairs that parse
		if modes := q[SaleModeKey]; relay != (len(modes) == 1 && modes[0] == SaleModeRelay) {
			t.Fatalf("%q: relay %v, net/url reads %q", s, relay, modes)
		}
	})
}
