package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"payterm/payhost"
)

// Each fuzz target checks: no panic; every error is one the handler maps
// to a 4xx (never a 500); an accepted value is valid and survives a JSON
// round trip unchanged.

func FuzzDecodePayRequest(f *testing.F) {
	hash := strings.Repeat("0f", 32)
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"134567890123456789","amount":100,"currency":"CNY","order_hash":"` + hash + `"}`))
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"face:tok","amount":1,"currency":"JPY","order_hash":"` + hash + `","terminal_id":"T","description":"茶"}`))
	f.Add([]byte(`{"out_trade_no":"o1","amount":1e3}`))
	f.Add([]byte(`{"amount":-1} {}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"out_trade_no":"\u0000"}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodePayRequest(bytes.NewReader(body))
		if err != nil {
			checkClientError(t, err)
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("accepted an invalid request: %v", err)
		}
		roundTrip(t, req, decodePayRequest)
	})
}

func FuzzDecodeNewAccount(f *testing.F) {
	f.Add([]byte(`{"name":"Demo customer","currency":"CNY","balance":100000}`))
	f.Add([]byte(`{"name":"","currency":"XXX","balance":-1}`))
	f.Add([]byte(`{"name":"a","currency":"KWD","balance":1000000000000000000000}`))
	f.Add([]byte(`{"name":"\ud800","currency":"EUR"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := decodeNewAccount(bytes.NewReader(body))
		if err != nil {
			checkClientError(t, err)
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted an invalid account: %v", err)
		}
		roundTrip(t, n, decodeNewAccount)
	})
}

func FuzzDecodeNewFace(f *testing.F) {
	f.Add([]byte(`{"token":"tok-alice"}`))
	f.Add([]byte(`{"token":"a b"}`))
	f.Add([]byte(`{"token":1}`))
	f.Add([]byte(`{"token":"x","extra":true}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := decodeNewFace(bytes.NewReader(body))
		if err != nil {
			checkClientError(t, err)
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted an invalid face: %v", err)
		}
		roundTrip(t, n, decodeNewFace)
	})
}

func checkClientError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, errBadJSON) && !errors.Is(err, errTooLarge) && !errors.Is(err, payhost.ErrInvalidRequest) {
		t.Fatalf("error would answer 500: %v", err)
	}
}

func roundTrip[T comparable](t *testing.T, v T, dec func(r io.Reader) (T, error)) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	again, err := dec(bytes.NewReader(raw))
	if err != nil || again != v {
		t.Fatalf("round trip: %+v %v, want %+v", again, err, v)
	}
}
