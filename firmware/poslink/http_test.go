package poslink_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/firmware/poslink"
)

// httpsRig serves a rig's server over TLS with httptest and counts the
// connections it sees.
type httpsRig struct {
	*rig
	ts     *httptest.Server
	client *poslink.Client
	mu     sync.Mutex
	conns  map[net.Conn]bool
}

func newHTTPSRig(t *testing.T, configure ...func(*poslink.ServerConfig)) *httpsRig {
	h := &httpsRig{rig: newRig(t, configure...), conns: map[net.Conn]bool{}}
	h.ts = httptest.NewUnstartedServer(h.srv.Handler())
	h.ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			h.mu.Lock()
			h.conns[c] = true
			h.mu.Unlock()
		}
	}
	h.ts.StartTLS()
	t.Cleanup(h.ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(h.ts.Certificate())
	key := testKey
	var err error
	h.client, err = poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key, Now: h.clk.Now,
		Transport: poslink.NewHTTPSTransport(h.ts.URL+"/nexo/", pool, false)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *httpsRig) connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// post sends raw bytes and returns status and body.
func (h *httpsRig) post(t *testing.T, method, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, h.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestHTTPSAbortOnSecondConnection(t *testing.T) {
	h := newHTTPSRig(t)
	o := testOrder(4)
	done := startBlockingPayment(t, h.rig, h.client, "1", o)
	if err := h.client.Abort(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"}, "cashier"); err != nil {
		t.Fatal(err)
	}
	res := <-done
	if res.Approved || res.Condition != "Aborted" {
		t.Fatalf("payment after abort: %+v", res)
	}
	if n := h.connections(); n < 2 {
		t.Fatalf("abort and payment shared %d connection(s)", n)
	}
}

func TestHTTPSPaymentStatusAndRepeat(t *testing.T) {
	h := newHTTPSRig(t)
	o := testOrder(3)
	paid, err := h.client.Payment(bg, testSale, "1", o)
	if err != nil || !paid.Approved || paid.Hash != o.Hash() {
		t.Fatalf("payment: %+v, %v", paid, err)
	}
	again, err := h.client.Payment(bg, testSale, "1", o)
	if err != nil || again.Reference != paid.Reference {
		t.Fatalf("repeat: %+v, %v", again, err)
	}
	st, err := h.client.TransactionStatus(bg, testSale, "2", poslink.MessageReference{MessageCategory: "Payment", ServiceID: "1"})
	if err != nil || st.Response.Result != "Success" || st.Result.Reference != paid.Reference || !st.Result.Approved {
		t.Fatalf("status: %+v, %v", st, err)
	}
	if n := h.term.Count("Payment"); n != 1 {
		t.Fatalf("terminal ran %d payments", n)
	}
	acq, err := h.client.Acquire(bg, testSale, "3", o)
	if err != nil || !acq.Approved || acq.Code == "" {
		t.Fatalf("acquire: %+v, %v", acq, err)
	}
	if err := h.client.Outcome(bg, testSale, "4", poslink.RelayOutcome{Session: "1", Approved: true}); err != nil {
		t.Fatal(err)
	}
}

func TestHTTPStatusCodes(t *testing.T) {
	h := newHTTPSRig(t, func(c *poslink.ServerConfig) { c.MaxBody = 4096 })
	payment := plainRequest("Payment", "1", goodPayment)
	tests := []struct {
		name, method, path string
		body               []byte
		status             int
		bodyHas            string
	}{
		{"payment on /nexo", "POST", "/nexo", payment, 200, `"PaymentResponse"`},
		{"repeat on /nexo/", "POST", "/nexo/", payment, 200, `"PaymentResponse"`},
		{"abort: empty body", "POST", "/nexo/", plainRequest("Abort", "2", `{"AbortReason":"x","MessageReference":{"ServiceID":"1"}}`), 200, ""},
		{"garbage", "POST", "/nexo", []byte("hello"), 400, "not a JSON object"},
		{"over the cap", "POST", "/nexo", bytes.Repeat([]byte("x"), 4097), 413, "over 4096 bytes"},
		{"GET", "GET", "/nexo", nil, 405, ""},
		{"other path", "POST", "/nexo/x", payment, 404, ""},
		{"root", "POST", "/", payment, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := h.post(t, tt.method, tt.path, tt.body)
			if status != tt.status || !strings.Contains(string(body), tt.bodyHas) {
				t.Fatalf("%d %q, want %d containing %q", status, body, tt.status, tt.bodyHas)
			}
			if tt.status == 200 && tt.bodyHas == "" && len(body) != 0 {
				t.Fatalf("want an empty body, got %q", body)
			}
		})
	}
}

func TestHTTPMaxInFlight(t *testing.T) {
	h := newHTTPSRig(t, func(c *poslink.ServerConfig) { c.MaxInFlight = 1 })
	done := startBlockingPayment(t, h.rig, h.client, "1", testOrder(1))
	status, _ := h.post(t, "POST", "/nexo/", plainRequest("Display", "2", `{"DisplayOutput":[{"OutputContent":{"OutputText":[{"Text":"x"}]}}]}`))
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", status)
	}
	// HandleMessage (the serial path) is not bounded by HTTP slots: abort there.
	if err := h.rig.client.Abort(bg, testSale, "3", poslink.MessageReference{ServiceID: "1"}, ""); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.Condition != "Aborted" {
		t.Fatalf("payment: %+v", res)
	}
}

func TestListenAndServeTLSWithDevCertificate(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := poslink.WriteDevCertificate(certFile, keyFile, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi.Mode(), err)
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Fatal(err)
	}

	// A free port, then the real entry point on it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := newRig(t)
	ctx, cancel := context.WithCancel(bg)
	served := make(chan error, 1)
	go func() { served <- r.srv.ListenAndServeTLS(ctx, addr, certFile, keyFile) }()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	key := testKey
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key,
		Transport: poslink.NewHTTPSTransport("https://"+addr+"/nexo/", pool, false)})
	if err != nil {
		t.Fatal(err)
	}
	var res poslink.Result
	for i := 0; i < 100; i++ { // until the listener is up
		if res, err = c.Payment(bg, testSale, "1", testOrder(1)); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || !res.Approved {
		t.Fatalf("payment over the dev certificate: %+v, %v", res, err)
	}
	// An unpinned client does not trust a dev certificate.
	untrusting, _ := poslink.NewClient(poslink.ClientConfig{POIID: testPOI,
		Transport: poslink.NewHTTPSTransport("https://"+addr+"/nexo/", x509.NewCertPool(), false)})
	if _, err := untrusting.Payment(bg, testSale, "2", testOrder(1)); err == nil {
		t.Fatal("unpinned client trusted the dev certificate")
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("ListenAndServeTLS after cancel: %v", err)
	}
}

func TestListenAndServeTLSBadCertificate(t *testing.T) {
	r := newRig(t)
	err := r.srv.ListenAndServeTLS(bg, "127.0.0.1:0", "/nonexistent/cert.pem", "/nonexistent/key.pem")
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// TestServeTLSHalfSentRequestsHoldNoSlot: requests that sent their
// headers and one byte of a promised body, more of them than there are
// in-flight slots, neither make a payment wait nor get it a 503; the
// server closes them after ReadTimeout. HTTP/2 is not offered.
func TestServeTLSHalfSentRequestsHoldNoSlot(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := poslink.WriteDevCertificate(certFile, keyFile, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, func(c *poslink.ServerConfig) { c.MaxInFlight = 2; c.ReadTimeout = 300 * time.Millisecond })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	served := make(chan error, 1)
	go func() { served <- r.srv.ServeTLS(ctx, ln, cert) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("ServeTLS: %v", err)
		}
	}()
	addr := ln.Addr().String()

	const half = 6
	var conns []*tls.Conn
	for range half {
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2", "http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if p := c.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
			t.Fatalf("negotiated %q, want http/1.1", p)
		}
		fmt.Fprintf(c, "POST /nexo HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", addr)
		conns = append(conns, c)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	key := testKey
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: testPOI, Key: &key, Now: r.clk.Now,
		Transport: poslink.NewHTTPSTransport("https://"+addr+"/nexo/", pool, false)})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Payment(bg, testSale, "1", testOrder(1)); err != nil || !res.Approved {
		t.Fatalf("payment beside %d half-sent requests: %+v, %v", half, res, err)
	}
	// Each half-sent request ends: the server stops waiting for its body.
	for i, hc := range conns {
		hc.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(hc)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("half-sent request %d still open after 10 s (ReadTimeout 300 ms)", i)
		}
		if len(b) > 0 && !bytes.HasPrefix(b, []byte("HTTP/1.1 400")) {
			t.Fatalf("half-sent request %d answered %q", i, b)
		}
	}
}
