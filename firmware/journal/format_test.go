package journal

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// testdata/v1-entries.hex holds the five entries of records() as the
// format-1 code stored them (one hex line per entry, key 1, stepClock). A
// journal written then still verifies, reads back with the new fields
// empty, and takes format-2 entries chained to them.
func TestFormat1EntriesStillVerify(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "v1-entries.hex"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path, testKey(1), stepClock())
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	var stored [][]byte
	storeEdit(t, path, func(b *bolt.Bucket) error {
		for i, line := range strings.Fields(string(raw)) {
			v, err := hex.DecodeString(line)
			if err != nil {
				return err
			}
			if v[0] != formatV1 {
				t.Fatalf("line %d is format %d", i+1, v[0])
			}
			stored = append(stored, v)
			if err := b.Put(keyOfSeq(uint64(i+1)), v); err != nil {
				return err
			}
		}
		return nil
	})
	j = reopen(t, path)
	pub := publicOf(testKey(1))
	if err := j.Verify(pub); err != nil {
		t.Fatalf("format-1 journal: %v", err)
	}
	old, err := j.Last(5)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range old {
		if e.Record != records()[i] {
			t.Errorf("entry %d reads %+v, want %+v", e.Seq, e.Record, records()[i])
		}
		if again := encodeEntry(&e); !bytes.Equal(again, stored[i]) {
			t.Errorf("entry %d re-encodes differently", e.Seq)
		}
	}
	e, err := j.Append(Record{Kind: "outcome", Ref: "SBX0000000000000001", Amount: 2350, Currency: "CNY"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Prev != old[4].Hash {
		t.Fatal("the first format-2 entry does not link to the last format-1 entry")
	}
	if err := j.Verify(pub); err != nil {
		t.Fatalf("format 1 then 2: %v", err)
	}
	// The new fields are in the hash: a format-2 entry differing only in
	// Ref hashes differently.
	f := e
	f.Ref = "SBX0000000000000002"
	if hashEntry(&f) == e.Hash {
		t.Fatal("Ref is not covered by the hash")
	}
}

// Each new field is covered by the hash, and the two formats hash under
// different domains.
func TestFormat2HashCoversNewFields(t *testing.T) {
	base := Entry{Seq: 3, Record: Record{Kind: "attempt", Ref: "PT1-0001-o1-1", Request: "POS-1/1", Amount: 100, Currency: "CNY"}}
	h := hashEntry(&base)
	for name, edit := range map[string]func(*Entry){
		"ref":      func(e *Entry) { e.Ref = "PT1-0001-o1-2" },
		"request":  func(e *Entry) { e.Request = "POS-1/2" },
		"amount":   func(e *Entry) { e.Amount = 101 },
		"currency": func(e *Entry) { e.Currency = "EUR" },
		"format 1": func(e *Entry) { e.format = formatV1; e.Ref, e.Request, e.Amount, e.Currency = "", "", 0, "" },
	} {
		e := base
		edit(&e)
		if hashEntry(&e) == h {
			t.Errorf("%s: same hash", name)
		}
	}
	v1 := Entry{Seq: 3, Record: Record{Kind: "attempt"}, format: formatV1}
	v2 := Entry{Seq: 3, Record: Record{Kind: "attempt"}}
	if hashEntry(&v1) == hashEntry(&v2) {
		t.Error("formats 1 and 2 hash alike")
	}
}
