package main

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"payterm/firmware/journal"
	"payterm/firmware/poslink"
)

func openTestJournal(t *testing.T) (*journal.Journal, ed25519.PublicKey) {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.db"), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, key.Public().(ed25519.PublicKey)
}

func appendAll(t *testing.T, j *journal.Journal, rs ...journal.Record) {
	t.Helper()
	for _, r := range rs {
		if _, err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
}

// Batches of long entries are cut to fit one link message, and the POS
// can still read the whole journal batch by batch.
func TestJournalExportFitsTheLink(t *testing.T) {
	j, pub := openTestJournal(t)
	long := strings.Repeat("d", 4000)
	for range 100 {
		appendAll(t, j, journal.Record{Kind: "received", Detail: long})
	}
	x := newJournalExport(j, slog.New(slog.DiscardHandler))
	var tip journal.Tip
	for batches := 0; tip.Seq < 100; batches++ {
		raw, err := x.Export(tip.Seq, poslink.MaxJournalEntries)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) > poslink.MaxJournalBatch {
			t.Fatalf("batch of %d bytes", len(raw))
		}
		b, err := journal.DecodeExport(raw)
		if err != nil {
			t.Fatal(err)
		}
		if tip, err = b.Verify(pub, tip); err != nil {
			t.Fatal(err)
		}
		if batches > 10 {
			t.Fatalf("stuck at entry %d", tip.Seq)
		}
	}
	if err := x.Ack(100); err != nil {
		t.Fatal(err)
	}
	if left, _ := j.Since(0, 10); len(left) != 0 {
		t.Fatalf("%d entries left after acking all", len(left))
	}
}

// Acking never prunes the oldest unresolved charge attempt or anything
// after it.
func TestJournalAckKeepsOpenAttempts(t *testing.T) {
	j, pub := openTestJournal(t)
	appendAll(t, j,
		journal.Record{Kind: "received"},                            // 1
		journal.Record{Kind: recordAttempt, Ref: "PT1-0001-oa-1"},   // 2
		journal.Record{Kind: "outcome", Ref: "PT1-0001-oa-1"},       // 3: resolves 2
		journal.Record{Kind: recordAttempt, Ref: "PT1-0001-ob-1"},   // 4: open
		journal.Record{Kind: "outcome", Ref: "SBX0000000000000001"}, // 5: another ref
		journal.Record{Kind: recordAttempt, Ref: "PT1-0001-oc-1"},   // 6: open
	)
	if seq, err := oldestOpenAttempt(j); err != nil || seq != 4 {
		t.Fatalf("oldest open attempt %d, %v; want 4", seq, err)
	}
	x := newJournalExport(j, slog.New(slog.DiscardHandler))
	if err := x.Ack(6); !errors.Is(err, journal.ErrNotExported) {
		t.Fatalf("ack before export: %v", err)
	}
	if _, err := x.Export(0, 10); err != nil {
		t.Fatal(err)
	}
	if err := x.Ack(6); err != nil {
		t.Fatal(err)
	}
	left, _ := j.Since(0, 10)
	if len(left) != 3 || left[0].Seq != 4 {
		t.Fatalf("left %d entries from %d; want 4, 5, 6", len(left), left[0].Seq)
	}
	if err := j.Verify(pub); err != nil {
		t.Fatal(err)
	}
	// The attempt is still found after pruning.
	if seq, err := oldestOpenAttempt(j); err != nil || seq != 4 {
		t.Fatalf("after pruning: oldest open attempt %d, %v; want 4", seq, err)
	}
}
