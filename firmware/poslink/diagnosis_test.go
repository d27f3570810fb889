package poslink

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"context"
	"errors"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"slices"
	"testing"
)

func TestDiagnosis(t *testing.T) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 600 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys, Diagnose: func() Diagnosis {
		return Diagnosis{Status: "Busy", Log: lines}
	}}, nil, nil, nil)
	transport := func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }

	c, err := NewClient(ClientConfig{POIID: "PT1", Key: &fuzzKey, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Diagnosis(t.Context(), "POS1", "D1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "Busy" || len(d.Log) != maxLogTail || d.Log[len(d.Log)-1] != "line 599" {
		t.Fatalf("status %q, %d lines ending %q", d.Status, len(d.Log), d.Log[len(d.Log)-1])
	}
	// The log never goes out in the clear.
	plain, err := NewClient(ClientConfig{POIID: "PT1", Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	_, err = plain.Diagnosis(t.Context(), "POS1", "D2")
	var re *ResponseError
	if !errors.As(err, &re) || re.Condition != CondNotAllowed {
		t.Fatalf("plain diagnosis: %v", err)
	}
}

// TestDiagnosisHealth: the terminal's checks reach the POS in order,
// through AdditionalResponse, whatever their text.
func TestDiagnosisHealth(t *testing.T) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	checks := []HealthCheck{
		{Name: "storage", OK: false, Detail: "data partition missing: running from tmpfs"},
		{Name: "keys", OK: true, Detail: "provisioned (1 link key, terminal key)"},
		{Name: "journal", OK: true, Detail: "last seq 42 & more=1, 100%"},
	}
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys}, nil, nil, nil)
	srv.SetDiagnose(func() Diagnosis { return Diagnosis{Status: "Maintenance", Health: checks} })
	transport := func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }
	c, err := NewClient(ClientConfig{POIID: "PT1", Key: &fuzzKey, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Diagnosis(t.Context(), "POS1", "D1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "Maintenance" || !slices.Equal(d.Health, checks) {
		t.Fatalf("status %q, health %v; want Maintenance, %v", d.Status, d.Health, checks)
	}
}

func TestParseHealth(t *testing.T) {
	tests := []struct {
		in   string
		want []HealthCheck
	}{
		{"", nil},
		{"storage=ok%3Apersistent", []HealthCheck{{"storage", true, "persistent"}}},
		{"a=fail%3A&b=ok%3Ax%3Ay", []HealthCheck{{"a", false, ""}, {"b", true, "x:y"}}},
		{"message=hello&pspReference=1&x=maybe%3Ay&=ok%3Az&bad=%zz", nil},
	}
	for _, tt := range tests {
		if got := ParseHealth(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseHealth(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseHealth(f *testing.F) {
	f.Add("storage=ok%3Apersistent&journal=fail%3Aclosed")
	f.Add("message=x&flagged=1,2")
	f.Fuzz(func(t *testing.T, s string) {
		checks := ParseHealth(s)
		// What parses formats back to the same checks.
		if again := ParseHealth(formatHealth(checks)); !slices.Equal(again, checks) {
			t.Fatalf("%q: %v, then %v", s, checks, again)
		}
	})
}

// TestStoreInterrupted: the requests a restart cut off are counted, until
// they expire.
func TestStoreInterrupted(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenStore(path, StoreOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	// Entries as a terminal killed mid-request leaves them: running.
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketServices))
		for i, st := range []EntryState{StateRunning, StateRunning, StateDone} {
			e := Entry{Category: CategoryPayment, State: st, Time: now, Hash: [32]byte{byte(i)}}
			if err := b.Put(entryKey("POS1", fmt.Sprint("S", i)), encodeEntry(e)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Interrupted(); err != nil || n != 0 {
		t.Fatalf("before the restart: %d, %v; want 0", n, err)
	}
	s.Close()
	var logged bytes.Buffer
	s, err = OpenStore(path, StoreOptions{Now: clock, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Interrupted(); err != nil || n != 2 {
		t.Fatalf("after the restart: %d, %v; want 2", n, err)
	}
	if !strings.Contains(logged.String(), "interrupted") {
		t.Fatalf("OpenStore did not log the interrupted requests: %q", logged.String())
	}
	now = now.Add(DefaultServiceIDTTL)
	if n, err := s.Interrupted(); err != nil || n != 0 {
		t.Fatalf("after the TTL: %d, %v; want 0", n, err)
	}
}
