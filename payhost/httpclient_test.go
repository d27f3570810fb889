package payhost_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

func request(no, code string, amount int64) payhost.PayRequest {
	sum := sha256.Sum256([]byte(no))
	return payhost.PayRequest{OutTradeNo: no, AuthCode: code, Amount: amount, Currency: "CNY", OrderHash: hex.EncodeToString(sum[:])}
}

// TestHTTPClientAgainstSandbox runs the client's whole contract against a
// real sandbox host.
func TestHTTPClientAgainstSandbox(t *testing.T) {
	env := sandboxtest.Start(t, sandbox.Options{})
	ctx := t.Context()
	c := env.Client
	acct := env.Account(t, "Lu", "CNY", 10000)
	code := env.Code(t, acct.ID)

	o1 := env.Sign(request("o1", code, 3000))
	paid, err := c.Pay(ctx, o1)
	if err != nil || !paid.Paid() || paid.AccountID != acct.ID || paid.TradeNo == "" {
		t.Fatalf("pay: %+v %v", paid, err)
	}
	if again, err := c.Pay(ctx, o1); err != nil || again.TradeNo != paid.TradeNo {
		t.Errorf("repeat pay: %+v %v", again, err)
	}
	// A refusal is a Payment, not an error.
	fail, err := c.Pay(ctx, env.Sign(request("o2", code, 10)))
	if err != nil || fail.Status != payhost.StatusFail || fail.Reason != payhost.ReasonCodeUsed {
		t.Errorf("reused code: %+v %v", fail, err)
	}
	if unsigned, err := c.Pay(ctx, request("o2b", code, 10)); err != nil || unsigned.Reason != payhost.ReasonStatementMissing {
		t.Errorf("unsigned: %+v %v", unsigned, err)
	}
	// The same order under a new out_trade_no: the client accepts the
	// order's earlier payment, under its own out_trade_no.
	same := o1
	same.OutTradeNo = "o1-again"
	if earlier, err := c.Pay(ctx, env.Sign(same)); err != nil || earlier.OutTradeNo != "o1" || earlier.TradeNo != paid.TradeNo {
		t.Errorf("second payment of a paid order: %+v %v", earlier, err)
	}
	if q, err := c.Query(ctx, "o1"); err != nil || q.TradeNo != paid.TradeNo || q.Status != payhost.StatusSuccess {
		t.Errorf("query: %+v %v", q, err)
	}
	if r, err := c.Reverse(ctx, "o1"); err != nil || r.Status != payhost.StatusReversed {
		t.Errorf("reverse: %+v %v", r, err)
	}
	if a, _ := env.Host.Account(ctx, acct.ID); a.Balance != 10000 {
		t.Errorf("balance after reverse: %d", a.Balance)
	}

	errCases := []struct {
		name string
		call func() error
		want error
	}{
		{"query unknown", func() error { _, err := c.Query(ctx, "nope"); return err }, payhost.ErrNotFound},
		{"conflict", func() error { _, err := c.Pay(ctx, request("o1", code, 1)); return err }, payhost.ErrConflict},
		{"invalid pay", func() error { _, err := c.Pay(ctx, request("o3", code, 0)); return err }, payhost.ErrInvalidRequest},
		{"invalid query", func() error { _, err := c.Query(ctx, "a/b"); return err }, payhost.ErrInvalidRequest},
		{"invalid reverse", func() error { _, err := c.Reverse(ctx, ""); return err }, payhost.ErrInvalidRequest},
	}
	for _, tc := range errCases {
		if err := tc.call(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	var apiErr *payhost.APIError
	_, err = c.Pay(ctx, request("o1", code, 1))
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict || apiErr.Code != payhost.CodeConflict {
		t.Errorf("conflict error %v is not an APIError 409", err)
	}
}

// TestHTTPClientValidatesBeforeSending: an invalid request never reaches
// the network.
func TestHTTPClientValidatesBeforeSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := payhost.NewHTTPClient(srv.URL, srv.Client())
	bad := request("o1", "134567890123456789", 1)
	bad.Currency = "XXX"
	if _, err := c.Pay(t.Context(), bad); !errors.Is(err, payhost.ErrInvalidRequest) {
		t.Errorf("pay: %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent", hits.Load())
	}
}

// TestHTTPClientProtocol feeds the client answers a correct host never
// gives and checks each becomes an error, not a Payment.
func TestHTTPClientProtocol(t *testing.T) {
	okBody := `{"out_trade_no":"o1","trade_no":"T1","status":"SUCCESS","amount":5,"currency":"CNY","account_id":"a"}`
	cases := []struct {
		name      string
		status    int
		body      string
		wantErr   bool
		wantIs    error
		wantInMsg string
	}{
		{"ok", 200, okBody, false, nil, ""},
		{"unknown fields are tolerated", 200, strings.Replace(okBody, `}`, `,"new":1}`, 1), false, nil, ""},
		{"other out_trade_no", 200, strings.Replace(okBody, `"o1"`, `"o2"`, 1), true, nil, "o2"},
		{"unknown status", 200, strings.Replace(okBody, `SUCCESS`, `MAYBE`, 1), true, nil, "MAYBE"},
		{"fail without reason", 200, strings.Replace(okBody, `SUCCESS`, `FAIL`, 1), true, nil, "reason"},
		{"not json", 200, `<html>`, true, nil, ""},
		{"two values", 200, okBody + okBody, true, nil, "trailing"},
		{"oversized", 200, strings.Replace(okBody, `"a"}`, `"`+strings.Repeat("a", payhost.MaxBodyBytes)+`"}`, 1), true, nil, "larger"},
		{"proxy error page", 502, `<h1>Bad Gateway</h1>`, true, nil, "Bad Gateway"},
		{"empty 500", 500, ``, true, nil, "Internal Server Error"},
		{"json 404", 404, `{"error":"not_found","message":"no such payment"}`, true, payhost.ErrNotFound, "no such payment"},
		{"201 is not the protocol", 201, okBody, true, nil, "201"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			p, err := payhost.NewHTTPClient(srv.URL+"/", srv.Client()).Query(t.Context(), "o1")
			if (err != nil) != tc.wantErr {
				t.Fatalf("Query = %+v, %v; want error %v", p, err, tc.wantErr)
			}
			if err == nil {
				if p.OutTradeNo != "o1" || p.Status != payhost.StatusSuccess || p.Amount != 5 {
					t.Fatalf("decoded %+v", p)
				}
				return
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("error %v is not %v", err, tc.wantIs)
			}
			if !strings.Contains(err.Error(), tc.wantInMsg) {
				t.Errorf("error %q lacks %q", err, tc.wantInMsg)
			}
		})
	}
}

func TestHTTPClientPaths(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.EscapedPath()+" "+r.Header.Get("Content-Type"))
		w.Write([]byte(`{"out_trade_no":"A_b:1","status":"REVERSED","amount":0,"currency":"CNY","reason":"NOT_PAID"}`))
	}))
	defer srv.Close()
	c := payhost.NewHTTPClient(srv.URL+"/prefix/", srv.Client())
	ctx := t.Context()
	c.Pay(ctx, request("A_b:1", "134567890123456789", 1))
	c.Query(ctx, "A_b:1")
	c.Reverse(ctx, "A_b:1")
	want := []string{
		"POST /prefix/v1/pay application/json",
		"GET /prefix/v1/pay/A_b:1 ",
		"POST /prefix/v1/pay/A_b:1/reverse ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHTTPClientContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := payhost.NewHTTPClient(srv.URL, srv.Client()).Query(ctx, "o1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Query past its deadline: %v", err)
	}
}

func TestHTTPClientUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	_, err := payhost.NewHTTPClient(url, nil).Pay(t.Context(), request("o1", "134567890123456789", 1))
	var apiErr *payhost.APIError
	if err == nil || errors.As(err, &apiErr) {
		t.Errorf("pay to a closed port: %v, want a transport error", err)
	}
}

// TestHTTPClientPayAcceptsOnlyTheOrdersEarlierPayment: an answer under
// another out_trade_no is the order's earlier payment only when it is a
// SUCCESS for the same order hash; anything else is a protocol error.
func TestHTTPClientPayAcceptsOnlyTheOrdersEarlierPayment(t *testing.T) {
	req := request("o2", "134567890123456789", 5)
	answer := func(no, status, hash string) string {
		reason := ""
		if status == "FAIL" {
			reason = `,"reason":"CODE_USED"`
		}
		return `{"out_trade_no":"` + no + `","trade_no":"T1","status":"` + status + `","amount":5,"currency":"CNY","order_hash":"` + hash + `"` + reason + `}`
	}
	cases := []struct {
		name, body string
		ok         bool
	}{
		{"own answer", answer("o2", "SUCCESS", req.OrderHash), true},
		{"earlier payment of the order", answer("o1", "SUCCESS", req.OrderHash), true},
		{"same order, hash in capitals", answer("o1", "SUCCESS", strings.ToUpper(req.OrderHash)), true},
		{"another order's payment", answer("o1", "SUCCESS", strings.Repeat("0", 64)), false},
		{"another's FAIL", answer("o1", "FAIL", req.OrderHash), false},
		{"another's reversal", answer("o1", "REVERSED", req.OrderHash), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			p, err := payhost.NewHTTPClient(srv.URL, srv.Client()).Pay(t.Context(), req)
			if (err == nil) != tc.ok {
				t.Fatalf("Pay = %+v, %v; want ok=%v", p, err, tc.ok)
			}
		})
	}
}
