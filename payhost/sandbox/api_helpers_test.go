package sandbox_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"net/http"
	"testing"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// api drives the sandbox through raw HTTP, as any client would.
type api struct {
	t   *testing.T
	env *sandboxtest.Env
}

func newAPI(t *testing.T, opts sandbox.Options) api {
	return api{t: t, env: sandboxtest.Start(t, opts)}
}

// do sends body (a string is sent verbatim, anything else as JSON) and
// returns the status and the raw answer.
func (a api) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.env.Server.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	resp, err := a.env.Server.Client().Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		a.t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, raw
}

// decode unmarshals raw into a T, failing the test on error.
func decode[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func (a api) account(name, currency string, balance int64) sandbox.Account {
	a.t.Helper()
	status, raw := a.do("POST", "/accounts", map[string]any{"name": name, "currency": currency, "balance": balance})
	if status != http.StatusCreated {
		a.t.Fatalf("create account: %d %s", status, raw)
	}
	return decode[sandbox.Account](a.t, raw)
}

// accountWithPhone opens a CNY account of 10 000 with that phone ("" for
// none).
func (a api) accountWithPhone(name, phone string) sandbox.Account {
	a.t.Helper()
	status, raw := a.do("POST", "/accounts", map[string]any{"name": name, "currency": "CNY", "balance": 10000, "phone": phone})
	if status != http.StatusCreated {
		a.t.Fatalf("create account: %d %s", status, raw)
	}
	return decode[sandbox.Account](a.t, raw)
}

func (a api) balance(id string) int64 {
	a.t.Helper()
	status, raw := a.do("GET", "/accounts/"+id, nil)
	if status != http.StatusOK {
		a.t.Fatalf("get account: %d %s", status, raw)
	}
	return decode[sandbox.Account](a.t, raw).Balance
}

func (a api) code(accountID string) string {
	a.t.Helper()
	status, raw := a.do("POST", "/accounts/"+accountID+"/codes", nil)
	if status != http.StatusCreated {
		a.t.Fatalf("issue code: %d %s", status, raw)
	}
	return decode[sandbox.Code](a.t, raw).Code
}

// pay posts req and expects a 200 Payment.
func (a api) pay(req payhost.PayRequest) payhost.Payment {
	a.t.Helper()
	status, raw := a.do("POST", "/v1/pay", req)
	if status != http.StatusOK {
		a.t.Fatalf("pay %s: %d %s", req.OutTradeNo, status, raw)
	}
	return decode[payhost.Payment](a.t, raw)
}

func (a api) verify() {
	a.t.Helper()
	if err := a.env.Host.Verify(a.t.Context()); err != nil {
		a.t.Fatal(err)
	}
}

// hashOf is a valid order hash derived from s.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// payReq is a valid request for amount CNY minor units.
func payReq(outTradeNo, code string, amount int64) payhost.PayRequest {
	return payhost.PayRequest{
		OutTradeNo: outTradeNo, AuthCode: code, Amount: amount, Currency: "CNY",
		OrderHash: hashOf(outTradeNo), TerminalID: "T1", Description: "test " + outTradeNo,
	}
}

// req is payReq signed by the env's terminal at the clock's time. Send
// the result again to replay it: signing anew draws a new nonce.
func (a api) req(outTradeNo, code string, amount int64) payhost.PayRequest {
	return a.env.Sign(payReq(outTradeNo, code, amount))
}

// seq names out_trade_nos uniquely within a test.
type seq struct{ n int }

func (s *seq) next() string { s.n++; return fmt.Sprintf("ord-%04d", s.n) }

// Two "people" for sandboxtest.ColourFaces.
var (
	red  = sandboxtest.ColourCrop(color.RGBA{200, 40, 40, 255})
	blue = sandboxtest.ColourCrop(color.RGBA{40, 40, 200, 255})
)

// faceReq is payReq paying with crop sealed for it (unsigned).
func faceReq(t testing.TB, outTradeNo string, crop []byte, amount int64) payhost.PayRequest {
	r := payReq(outTradeNo, "", amount)
	r.AuthCode = sandboxtest.FaceAuth(t, r, crop)
	return r
}

// faceReq is a signed request paying with crop sealed for it.
func (a api) faceReq(outTradeNo string, crop []byte, amount int64) payhost.PayRequest {
	return a.env.Sign(faceReq(a.t, outTradeNo, crop, amount))
}
