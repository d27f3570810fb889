package faults

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"payterm/firmware/attest"
	"sync"
	"testing"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// payHost is the sandbox payment host in-process on a real bbolt file,
// served over HTTP, noting every out_trade_no a /v1/pay named (whoever
// sent it) under its order hash, so the test can ask the ledger what
// happened to each order.
type payHost struct {
	Host   *sandbox.Host
	Server *httptest.Server

	mu      sync.Mutex
	byOrder map[string][]string // order hash → out_trade_nos, in arrival order
}

func startHost(t *testing.T) *payHost {
	t.Helper()
	h, err := sandbox.Open(filepath.Join(t.TempDir(), "payhost.db"), sandbox.Options{UserPayingTTL: heldTTL})
	if err != nil {
		t.Fatal(err)
	}
	// The terminal signs its statements with the dev key.
	if err := h.RegisterTerminal(t.Context(), devPOIID, attest.DevKey().Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	ph := &payHost{Host: h, byOrder: map[string][]string{}}
	api := h.Handler()
	ph.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/pay" {
			body, _ := io.ReadAll(io.LimitReader(r.Body, payhost.MaxBodyBytes+1))
			var req struct {
				OutTradeNo string `json:"out_trade_no"`
				OrderHash  string `json:"order_hash"`
			}
			if json.Unmarshal(body, &req) == nil && req.OutTradeNo != "" {
				ph.note(req.OrderHash, req.OutTradeNo)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ph.Server.Close()
		if err := h.Verify(context.Background()); err != nil {
			t.Errorf("payment host books: %v", err)
		}
		h.Close()
	})
	return ph
}

func (ph *payHost) note(hash, outTradeNo string) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	for _, o := range ph.byOrder[hash] {
		if o == outTradeNo {
			return
		}
	}
	ph.byOrder[hash] = append(ph.byOrder[hash], outTradeNo)
}

// charges lists the payments for an order hash that moved money and still
// hold it: SUCCESS, not reversed. A payment still waiting for the payer
// (USERPAYING) moved nothing; it is counted in held, and once the phone
// of its attempt has stopped nobody can confirm it any more.
func (ph *payHost) charges(ctx context.Context, hash string) ([]payhost.Payment, error) {
	out, _, err := ph.chargesHeld(ctx, hash)
	return out, err
}

// chargesHeld is charges and the number of payments still held.
func (ph *payHost) chargesHeld(ctx context.Context, hash string) (out []payhost.Payment, held int, err error) {
	ph.mu.Lock()
	nos := append([]string(nil), ph.byOrder[hash]...)
	ph.mu.Unlock()
	for _, no := range nos {
		p, err := ph.Host.Query(ctx, no)
		if errors.Is(err, payhost.ErrNotFound) {
			continue // refused before it was stored (validation): nothing moved
		}
		if err != nil {
			return nil, 0, err
		}
		switch p.Status {
		case payhost.StatusSuccess:
			out = append(out, p)
		case payhost.StatusUserPaying:
			held++
		}
	}
	return out, held, nil
}
