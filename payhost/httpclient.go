package payhost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"payterm/firmware/order"
)

// HTTPClient is the Client for the payment system's HTTP API:
//
//	POST /v1/pay                        PayRequest → Payment
//	GET  /v1/pay/{out_trade_no}         → Payment
//	POST /v1/pay/{out_trade_no}/reverse → Payment
//
// Non-2xx answers carry an ErrorBody and become *APIError.
type HTTPClient struct {
	base string // without a trailing slash
	hc   *http.Client
}

var _ Client = (*HTTPClient)(nil)

// DefaultTimeout bounds one call when NewHTTPClient is given no client.
const DefaultTimeout = 30 * time.Second

// NewHTTPClient returns a client for the API at baseURL
// ("http://127.0.0.1:8090"; a path prefix is kept). A nil hc means a
// client of its own with DefaultTimeout; the context bounds each call too.
func NewHTTPClient(baseURL string, hc *http.Client) *HTTPClient {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &HTTPClient{base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// Pay validates req locally (an invalid one never leaves), then posts it.
// An answer for another OutTradeNo is accepted only as Client.Pay allows:
// the SUCCESS payment of the same order.
func (c *HTTPClient) Pay(ctx context.Context, req PayRequest) (Payment, error) {
	if err := req.Validate(); err != nil {
		return Payment{}, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return Payment{}, fmt.Errorf("payhost: pay %s: %w", req.OutTradeNo, err)
	}
	p, err := c.call(ctx, http.MethodPost, "/v1/pay", body, "")
	if err != nil {
		return Payment{}, err
	}
	if p.OutTradeNo != req.OutTradeNo && !PaidEarlier(p, req) {
		return Payment{}, fmt.Errorf("payhost: POST /v1/pay: answer is for out_trade_no %q", p.OutTradeNo)
	}
	return p, nil
}

// PaidEarlier reports whether p answers req with the order's earlier
// payment: a SUCCESS under another OutTradeNo for the same order hash.
// Nothing was charged for req then; the order is paid by p.
func PaidEarlier(p Payment, req PayRequest) bool {
	if p.OutTradeNo == req.OutTradeNo || !p.Paid() {
		return false
	}
	ph, err1 := order.ParseHash(p.OrderHash)
	rh, err2 := order.ParseHash(req.OrderHash)
	return err1 == nil && err2 == nil && ph == rh
}

// Query fetches the payment stored for outTradeNo.
func (c *HTTPClient) Query(ctx context.Context, outTradeNo string) (Payment, error) {
	if !ValidOutTradeNo(outTradeNo) {
		return Payment{}, fmt.Errorf("payhost: query: %w: bad out_trade_no", ErrInvalidRequest)
	}
	return c.call(ctx, http.MethodGet, "/v1/pay/"+url.PathEscape(outTradeNo), nil, outTradeNo)
}

// Reverse asks for outTradeNo's money back.
func (c *HTTPClient) Reverse(ctx context.Context, outTradeNo string) (Payment, error) {
	if !ValidOutTradeNo(outTradeNo) {
		return Payment{}, fmt.Errorf("payhost: reverse: %w: bad out_trade_no", ErrInvalidRequest)
	}
	return c.call(ctx, http.MethodPost, "/v1/pay/"+url.PathEscape(outTradeNo)+"/reverse", nil, outTradeNo)
}

// call performs one request and decodes a Payment for want (any, when
// want is empty). An answer for another OutTradeNo is a protocol error:
// trusting it could mark the wrong order paid.
func (c *HTTPClient) call(ctx context.Context, method, path string, body []byte, want string) (Payment, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return Payment{}, fmt.Errorf("payhost: %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Payment{}, fmt.Errorf("payhost: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Payment{}, fmt.Errorf("payhost: %s %s: %w", method, path, readAPIError(resp))
	}
	p, err := DecodePayment(resp.Body)
	if err != nil {
		return Payment{}, fmt.Errorf("payhost: %s %s: %w", method, path, err)
	}
	if want != "" && p.OutTradeNo != want {
		return Payment{}, fmt.Errorf("payhost: %s %s: answer is for out_trade_no %q", method, path, p.OutTradeNo)
	}
	return p, nil
}

// readAPIError turns a non-200 answer into an *APIError, keeping the
// body's text when it is not the JSON ErrorBody (a proxy's page, say).
func readAPIError(resp *http.Response) *APIError {
	e := &APIError{StatusCode: resp.StatusCode}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	var eb ErrorBody
	if err := json.Unmarshal(raw, &eb); err == nil && eb.Error != "" {
		e.Code, e.Message = eb.Error, eb.Message
		return e
	}
	const keep = 200 // enough of a foreign body to diagnose it
	msg := strings.TrimSpace(string(raw))
	if len(msg) > keep {
		msg = msg[:keep] + "…"
	}
	if msg == "" {
		msg = http.StatusText(resp.StatusCode)
	}
	e.Message = msg
	return e
}
