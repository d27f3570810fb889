package sandbox

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/internal/latency"
	"payterm/payhost"
)

// BenchmarkStatementVerify is the host's whole statement check for one
// payment, as Pay runs it before any money moves: the registry lookup in
// a read transaction, the Ed25519 signature, the field comparisons, the
// age and the nonce lookup. 100 terminals are registered and 1000 nonces
// spent, so lookups do not hit a trivially small tree. Reports p50-ms and
// p99-ms (goal: p99 ≤ 0.1 ms).
func BenchmarkStatementVerify(b *testing.B) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h, err := Open(filepath.Join(b.TempDir(), "db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	key := testKey()
	for i := range 100 {
		if err := h.RegisterTerminal(ctx, fmt.Sprintf("T%d", i), key.Public().(ed25519.PublicKey)); err != nil {
			b.Fatal(err)
		}
	}
	if err := h.RegisterTerminal(ctx, "T1", key.Public().(ed25519.PublicKey)); err != nil {
		b.Fatal(err)
	}
	err = h.db.Update(func(tx *bolt.Tx) error {
		for i := range 1000 {
			s := payhost.Statement{Nonce: fmt.Sprintf("%032x", i+1), Time: now}
			if err := h.spendNonce(tx, s, fmt.Sprint("spent", i), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]payhost.PayRequest, 256)
	for i := range reqs {
		reqs[i] = signedForTest(payhost.PayRequest{
			OutTradeNo: fmt.Sprint("o", i), AuthCode: "134567890123456789", Amount: 2350, Currency: "CNY",
			OrderHash: strings.Repeat(fmt.Sprintf("%02x", i), 32), TerminalID: "T1",
		}, key, now, fmt.Sprintf("%02x", i))
	}
	lat := make([]time.Duration, 0, 4096)
	i := 0
	for b.Loop() {
		req := reqs[i%len(reqs)]
		i++
		t0 := time.Now()
		var reason string
		err := h.db.View(func(tx *bolt.Tx) error {
			var err error
			reason, err = h.checkStatement(tx, req, now)
			return err
		})
		lat = append(lat, time.Since(t0))
		if err != nil || reason != "" {
			b.Fatalf("check: %q %v", reason, err)
		}
	}
	b.ReportMetric(latency.Ms(lat, 50), "p50-ms")
	b.ReportMetric(latency.Ms(lat, 99), "p99-ms")
}
