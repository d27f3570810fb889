package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payterm/firmware/journal"
	"payterm/firmware/poslink"
	"payterm/pos"
)

// testJournal is the terminal side: export, and prune what is acked.
type testJournal struct{ j *journal.Journal }

func (t testJournal) Export(from uint64, max int) ([]byte, error) {
	b, err := t.j.Export(from, max)
	return b.Encode(), err
}

func (t testJournal) Ack(upTo uint64) error { _, err := t.j.Prune(upTo, 0); return err }

// journalTerminal serves nexo over TLS with a journal of n entries.
func journalTerminal(t *testing.T, n int) (j *journal.Journal, url, caFile, pubHex string) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize))
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	appendSales(t, j, n)
	keys, _ := poslink.NewKeys(poslink.SecurityKey{KeyIdentifier: "payterm-dev", KeyVersion: 1, Passphrase: "payterm-dev-passphrase"})
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys, Journal: testJournal{j}}, nil, nil, nil)
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o644)
	return j, ts.URL + "/nexo", caFile, hex.EncodeToString(key.Public().(ed25519.PublicKey))
}

func appendSales(t *testing.T, j *journal.Journal, n int) {
	t.Helper()
	for i := range n {
		r := journal.Record{Kind: "outcome", Ref: fmt.Sprintf("SBX%016d", i), Amount: 2350, Currency: "CNY", Detail: "approved"}
		if _, err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
}

// Two exports append to one file that verifies from entry 1, and the
// terminal prunes only what the file holds.
func TestJournal(t *testing.T) {
	j, url, ca, pub := journalTerminal(t, 300) // more than one batch
	out := filepath.Join(t.TempDir(), "journal.export")
	args := []string{"journal", "-terminal", url, "-ca", ca, "-terminal-key", pub, "-out", out}
	var stdout bytes.Buffer
	if err := run(t.Context(), args, strings.NewReader(""), &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "300 new entries") {
		t.Fatalf("output %q", stdout.String())
	}
	if left, _ := j.Since(0, 10); len(left) != 0 {
		t.Fatalf("%d entries left on the terminal", len(left))
	}
	appendSales(t, j, 5)
	stdout.Reset()
	if err := run(t.Context(), args, strings.NewReader(""), &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "5 new entries") || !strings.Contains(stdout.String(), "entries 1…305") {
		t.Fatalf("output %q", stdout.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	k, _ := hex.DecodeString(pub)
	if tip, err := journal.VerifyExported(f, k); err != nil || tip.Seq != 305 {
		t.Fatalf("export file: tip %d, %v", tip.Seq, err)
	}
	if err := j.Verify(k); err != nil {
		t.Fatal(err)
	}
}

func TestJournalErrors(t *testing.T) {
	j, url, ca, pub := journalTerminal(t, 3)
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "x")
	os.WriteFile(corrupt, bytes.Repeat([]byte("x"), 100), 0o600)
	other := hex.EncodeToString(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize)).Public().(ed25519.PublicKey))
	for _, tc := range []struct {
		name string
		args []string
		has  string
	}{
		{"no key", []string{"-out", filepath.Join(dir, "a")}, "-terminal-key"},
		{"no file", []string{"-terminal-key", pub}, "-out"},
		{"plain", []string{"-terminal-key", pub, "-out", filepath.Join(dir, "b"), "-plain"}, "NotAllowed"},
		{"other terminal's key", []string{"-terminal-key", other, "-out", filepath.Join(dir, "c")}, "signature"},
		{"corrupt file", []string{"-terminal-key", pub, "-out", corrupt}, "not an export batch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"journal", "-terminal", url, "-ca", ca}, tc.args...)
			var out bytes.Buffer
			err := run(t.Context(), args, strings.NewReader(""), &out)
			if err == nil || !strings.Contains(err.Error(), tc.has) {
				t.Fatalf("err %v, want %q", err, tc.has)
			}
		})
	}
	if left, _ := j.Since(0, 10); len(left) != 3 {
		t.Fatalf("a failed export pruned the terminal: %d entries left", len(left))
	}
}

// TestJournalWithPairing: the pairing's key verifies the export when no
// -terminal-key is pinned; a pairing with another key fails it.
func TestJournalWithPairing(t *testing.T) {
	_, url, ca, pubHex := journalTerminal(t, 2)
	pub, _ := hex.DecodeString(pubHex)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	if err := pos.WritePairing(good, pos.PairingOf("PT1-0001", pub)); err != nil {
		t.Fatal(err)
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	if err := pos.WritePairing(bad, pos.PairingOf("PT1-0001", other)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"journal", "-terminal", url, "-ca", ca, "-pairing", bad, "-out", filepath.Join(dir, "x")}, strings.NewReader(""), &out); err == nil || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("journal verified under another key: %v", err)
	}
	if err := run(t.Context(), []string{"journal", "-terminal", url, "-ca", ca, "-pairing", good, "-out", filepath.Join(dir, "y")}, strings.NewReader(""), &out); err != nil {
		t.Fatalf("journal with the pairing: %v\n%s", err, out.String())
	}
}
