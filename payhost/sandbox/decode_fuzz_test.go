package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"payterm/payhost"
)

// Each fuzz target checks: no panic; every error is one the handler maps
// to a 4xx (never a 500); an accepted value is valid and survives a JSON
// round trip unchanged.

func FuzzDecodePayRequest(f *testing.F) {
	hash := strings.Repeat("0f", 32)
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"134567890123456789","amount":100,"currency":"CNY","order_hash":"` + hash + `"}`))
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"face:tok","amount":1,"currency":"JPY","order_hash":"` + hash + `","terminal_id":"T","description":"茶"}`))
	stmt := `{"terminal_id":"T1","key_id":"0123456789abcdef","order_hash":"` + hash + `","amount":100,"currency":"CNY",` +
		`"credential":"` + strings.Repeat("ab", 32) + `","nonce":"` + strings.Repeat("cd", 16) + `","time":"2026-01-02T03:04:05.5+08:00"}`
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"134567890123456789","amount":100,"currency":"CNY","order_hash":"` + hash +
		`","statement":` + stmt + `,"signature":"c2lnbmF0dXJl"}`))
	f.Add([]byte(`{"out_trade_no":"o1","auth_code":"1","amount":1,"currency":"CNY","order_hash":"` + hash + `","statement":null,"signature":""}`))
	f.Add([]byte(`{"statement":{"time":"yesterday"}}`))
	f.Add([]byte(`{"statement":[],"signature":1}`))
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
		raw, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodePayRequest(bytes.NewReader(raw))
		if err != nil || !samePayRequest(again, req) {
			t.Fatalf("round trip: %+v %v, want %+v", again, err, req)
		}
		// The fingerprint sees the statement: dropping it changes it.
		if req.Statement != nil {
			bare := req
			bare.Statement, bare.Signature = nil, ""
			if fingerprint(bare) == fingerprint(req) {
				t.Fatal("fingerprint ignores the statement")
			}
		}
	})
}

// samePayRequest compares requests field by field, statements by value
// and times by instant.
func samePayRequest(a, b payhost.PayRequest) bool {
	sa, sb := a.Statement, b.Statement
	a.Statement, b.Statement = nil, nil
	if a != b || (sa == nil) != (sb == nil) {
		return false
	}
	if sa == nil {
		return true
	}
	ta, tb := sa.Time, sb.Time
	x, y := *sa, *sb
	x.Time, y.Time = time.Time{}, time.Time{}
	return x == y && ta.Equal(tb)
}

func FuzzDecodeNewTerminal(f *testing.F) {
	f.Add([]byte(`{"public_key":"` + strings.Repeat("ab", 32) + `"}`))
	f.Add([]byte(`{"public_key":"` + strings.Repeat("AB", 32) + `"}`))
	f.Add([]byte(`{"public_key":"ab"}`))
	f.Add([]byte(`{"public_key":null,"x":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		pub, err := decodeNewTerminal(bytes.NewReader(body))
		if err != nil {
			checkClientError(t, err)
			return
		}
		if len(pub) != 32 {
			t.Fatalf("accepted a %d-byte key", len(pub))
		}
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
	f.Add([]byte(`{"crop_jpeg":"/9j/4AAQ"}`))
	f.Add([]byte(`{"photo_jpeg":"/9j/4AAQ"}`))
	f.Add([]byte(`{"crop_jpeg":"/9j/","photo_jpeg":"/9j/"}`))
	f.Add([]byte(`{"crop_jpeg":"not base64!"}`))
	f.Add([]byte(`{"token":"tok-alice"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := decodeNewFace(bytes.NewReader(body))
		if err != nil {
			checkClientError(t, err)
			return
		}
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted an invalid face: %v", err)
		}
		raw, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeNewFace(bytes.NewReader(raw))
		if err != nil || !bytes.Equal(again.CropJPEG, n.CropJPEG) || !bytes.Equal(again.PhotoJPEG, n.PhotoJPEG) {
			t.Fatalf("round trip: %v", err)
		}
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
