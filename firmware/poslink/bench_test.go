package poslink

import (
	"context"
	"crypto/x509"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/internal/latency"
)

// BenchmarkLinkRoundTrip is the link's own cost for one itemized
// payment: decrypt, parse, convert and validate a 20-line encrypted
// PaymentRequest, then encode and encrypt its PaymentResponse. The
// Terminal and the store (an fsync) are left out.
func BenchmarkLinkRoundTrip(b *testing.B) {
	s := fuzzServer(b)
	o := fuzzOrder(20)
	msg := requestBytes(b, &fuzzKey, o)
	now := time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	lat := make([]time.Duration, 0, 1024)
	for b.Loop() {
		t0 := time.Now()
		r, err := s.decode(msg)
		if err != nil {
			b.Fatal(err)
		}
		p := r.body.(*PaymentRequest)
		reply := s.encodeReply(r, "PaymentResponse", PaymentResponse{
			Response: s.resultResponse(Result{Approved: true, Hash: r.order.Hash(), Reference: "REF"}, nil, false, CondRefusal),
			SaleData: echoSale(p.SaleData),
			POIData:  poiData(now, r.hdr.ServiceID),
			PaymentResult: &PaymentResult{AmountsResp: &AmountsResp{Currency: r.order.Currency.Code,
				AuthorizedAmount: amountNumber(r.order.Total, r.order.Currency)}},
		})
		if len(reply) == 0 {
			b.Fatal("no reply")
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
}

// BenchmarkLinkLoopbackHTTPS is a whole 20-line encrypted payment as a
// POS sees it on loopback: the client encrypts, TLS carries it, the server
// decrypts, validates, records the ServiceID (two fsyncs), calls a
// Terminal that approves at once, and the client decrypts the reply.
func BenchmarkLinkLoopbackHTTPS(b *testing.B) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		b.Fatal(err)
	}
	store, err := OpenStore(filepath.Join(b.TempDir(), "services.db"), StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys}, approvingTerminal{}, store, nil)
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	c, err := NewClient(ClientConfig{POIID: "PT1", Key: &fuzzKey, Transport: NewHTTPSTransport(ts.URL+"/nexo", pool, false)})
	if err != nil {
		b.Fatal(err)
	}
	o := fuzzOrder(20)
	ctx := context.Background()
	lat := make([]time.Duration, 0, 1024)
	n := 0
	for b.Loop() {
		n++
		t0 := time.Now()
		res, err := c.Payment(ctx, "POS1", "S"+strconv.Itoa(n), o)
		if err != nil || !res.Approved {
			b.Fatalf("payment: %+v %v", res, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
}

// BenchmarkDeriveKey is why derived keys are cached: PBKDF2 with 4000
// rounds per message would dominate the round trip.
func BenchmarkDeriveKey(b *testing.B) {
	for b.Loop() {
		if _, err := DeriveKey(fuzzKey.Passphrase); err != nil {
			b.Fatal(err)
		}
	}
}

// approvingTerminal approves every payment at once: the link's cost alone.
type approvingTerminal struct{}

func (approvingTerminal) Payment(_ context.Context, c Call, o order.Order) Result {
	return Result{Approved: true, Hash: o.Hash(), Reference: "REF-" + c.ServiceID}
}
func (approvingTerminal) Acquire(context.Context, Call, order.Order) Result     { return Result{} }
func (approvingTerminal) Outcome(context.Context, Call, RelayOutcome) error     { return nil }
func (approvingTerminal) Abort(context.Context, Call, MessageReference, string) {}
func (approvingTerminal) Confirm(context.Context, Call, string) (bool, error)   { return true, nil }
func (approvingTerminal) Display(context.Context, Call, string) error           { return nil }
