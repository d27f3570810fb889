package poslink

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Transport carries one request to the terminal and returns its reply;
// an empty reply is a valid answer (Abort). It must be safe for
// concurrent use: an Abort goes out while a Payment waits. HTTPS:
// NewHTTPSTransport; serial links: stream.Client's RoundTrip.
type Transport func(ctx context.Context, request []byte) ([]byte, error)

// maxReply caps a reply read by the HTTPS transport.
const maxReply = 1 << 20

// NewHTTPSTransport posts requests to url ("https://terminal:8443/nexo/")
// over HTTP/1.1, one connection per concurrent request. rootCAs are the
// certificates trusted for the terminal (nil: the system's). insecureDev
// skips certificate verification altogether: development only, never
// with real keys.
func NewHTTPSTransport(url string, rootCAs *x509.CertPool, insecureDev bool) Transport {
	hc := &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            rootCAs,
			InsecureSkipVerify: insecureDev,
		},
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 2,
	}}
	return func(ctx context.Context, request []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(request))
		if err != nil {
			return nil, fmt.Errorf("poslink: https: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("poslink: https: %w", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
		if err != nil {
			return nil, fmt.Errorf("poslink: https: read reply: %w", err)
		}
		if len(body) > maxReply {
			return nil, fmt.Errorf("poslink: https: reply over %d bytes", maxReply)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("poslink: https: %s: %s", resp.Status, strings.TrimSpace(string(body[:min(len(body), 200)])))
		}
		return body, nil
	}
}
