package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"payterm/payhost"
)

// AdminClient drives a sandbox host's admin API over HTTP: what a demo
// or a test does to get a customer with money and a fresh payment code,
// and to register a terminal's key.
type AdminClient struct {
	Base string // "http://127.0.0.1:8090"
	HC   *http.Client
}

// CreateAccount opens an account with an opening balance in minor units.
func (c *AdminClient) CreateAccount(ctx context.Context, a NewAccount) (Account, error) {
	var out Account
	return out, c.call(ctx, http.MethodPost, "/accounts", a, &out)
}

// Account reads an account and its balance.
func (c *AdminClient) Account(ctx context.Context, id string) (Account, error) {
	var out Account
	return out, c.call(ctx, http.MethodGet, "/accounts/"+url.PathEscape(id), nil, &out)
}

// IssueCode issues a one-time payment code for the account.
func (c *AdminClient) IssueCode(ctx context.Context, id string) (Code, error) {
	var out Code
	return out, c.call(ctx, http.MethodPost, "/accounts/"+url.PathEscape(id)+"/codes", struct{}{}, &out)
}

// SetLimit sets the account's limit (minor units; 0 for none).
func (c *AdminClient) SetLimit(ctx context.Context, id string, limit int64) (Account, error) {
	var out Account
	return out, c.call(ctx, http.MethodPut, "/accounts/"+url.PathEscape(id)+"/limit", NewLimit{Limit: limit}, &out)
}

// Held lists the payments waiting for the account's confirmation on its
// phone.
func (c *AdminClient) Held(ctx context.Context, id string) ([]Held, error) {
	var out []Held
	return out, c.call(ctx, http.MethodGet, "/phone/"+url.PathEscape(id)+"/payments", nil, &out)
}

// Confirm is the payer's yes to a held payment on the phone.
func (c *AdminClient) Confirm(ctx context.Context, id, outTradeNo string) (payhost.Payment, error) {
	var out payhost.Payment
	return out, c.call(ctx, http.MethodPost, "/phone/"+url.PathEscape(id)+"/payments/"+url.PathEscape(outTradeNo)+"/confirm", struct{}{}, &out)
}

// Refuse is the payer's no to a held payment on the phone.
func (c *AdminClient) Refuse(ctx context.Context, id, outTradeNo string) (payhost.Payment, error) {
	var out payhost.Payment
	return out, c.call(ctx, http.MethodPost, "/phone/"+url.PathEscape(id)+"/payments/"+url.PathEscape(outTradeNo)+"/refuse", struct{}{}, &out)
}

// RegisterTerminal lets the terminal id sign statements with pub,
// replacing any key it had.
func (c *AdminClient) RegisterTerminal(ctx context.Context, id string, pub ed25519.PublicKey) (Terminal, error) {
	var out Terminal
	return out, c.call(ctx, http.MethodPut, "/admin/terminals/"+url.PathEscape(id),
		NewTerminal{PublicKey: hex.EncodeToString(pub)}, &out)
}

// Terminal reads a registered terminal.
func (c *AdminClient) Terminal(ctx context.Context, id string) (Terminal, error) {
	var out Terminal
	return out, c.call(ctx, http.MethodGet, "/admin/terminals/"+url.PathEscape(id), nil, &out)
}

func (c *AdminClient) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("sandbox: %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.Base, "/")+path, body)
	if err != nil {
		return fmt.Errorf("sandbox: %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HC
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("sandbox: %s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sandbox: %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("sandbox: %s %s: answer: %w", method, path, err)
	}
	return nil
}
