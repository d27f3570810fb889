package journal

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/firmware/order"
)

// testKey derives a fixed key, so failures replay alike.
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func publicOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// stepClock starts at a fixed instant and moves on by a second and a
// nanosecond at each reading.
func stepClock() func() time.Time {
	t := time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))
	return func() time.Time {
		t = t.Add(time.Second + time.Nanosecond)
		return t
	}
}

func records() []Record {
	o := order.Hash{1, 2, 3}
	return []Record{
		{Kind: "received", OrderHash: o, Detail: "detail one"},
		{Kind: "confirmed", OrderHash: o, Detail: "detail two"},
		{Kind: "captured", OrderHash: o, Method: "code", Detail: "detail three"},
		{Kind: "outcome", OrderHash: o, Method: "code", Detail: "detail four: approved"},
		{Kind: "received", Detail: "detail five"},
	}
}

// filled opens a new journal holding records() and returns it and its path.
func filled(t *testing.T) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path, testKey(1), stepClock())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records() {
		if _, err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	return j, path
}

func reopen(t *testing.T, path string) *Journal {
	t.Helper()
	j, err := Open(path, testKey(1), stepClock())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestAppendReopenVerify(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	clock := stepClock()
	stamps := stepClock() // the same readings, to check the stamps against
	j, err := Open(path, testKey(1), clock)
	if err != nil {
		t.Fatal(err)
	}
	var appended []Entry
	for i, r := range records() {
		e, err := j.Append(r)
		if err != nil {
			t.Fatal(err)
		}
		wantPrev := Digest{}
		if i > 0 {
			wantPrev = appended[i-1].Hash
		}
		switch {
		case e.Seq != uint64(i+1):
			t.Errorf("entry %d has Seq %d", i+1, e.Seq)
		case e.Prev != wantPrev:
			t.Errorf("entry %d Prev %v, want %v", e.Seq, e.Prev, wantPrev)
		case !e.Time.Equal(stamps()) || e.Time.Location() != time.UTC:
			t.Errorf("entry %d stamped %v", e.Seq, e.Time)
		case e.Record != r:
			t.Errorf("entry %d holds %+v, want %+v", e.Seq, e.Record, r)
		case !ed25519.Verify(publicOf(testKey(1)), e.Hash[:], e.Sig):
			t.Errorf("entry %d signature does not verify", e.Seq)
		}
		appended = append(appended, e)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}

	j = reopen(t, path)
	got, err := j.Last(100)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, appended) {
		t.Fatalf("after reopening, Last = %+v\nwant %+v", got, appended)
	}
	if err := j.Verify(publicOf(testKey(1))); err != nil {
		t.Fatal(err)
	}
	next, err := j.Append(Record{Kind: "aborted"})
	if err != nil {
		t.Fatal(err)
	}
	if next.Seq != 6 || next.Prev != appended[4].Hash {
		t.Fatalf("entry after reopening: Seq %d Prev %v; want 6 and %v", next.Seq, next.Prev, appended[4].Hash)
	}
	if err := j.Verify(publicOf(testKey(1))); err != nil {
		t.Fatal(err)
	}
}

func TestLast(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	for _, tc := range []struct {
		n    int
		want []uint64
	}{
		{-1, nil},
		{0, nil},
		{1, []uint64{5}},
		{3, []uint64{3, 4, 5}},
		{9, []uint64{1, 2, 3, 4, 5}},
	} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			got, err := j.Last(tc.n)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []uint64
			for _, e := range got {
				seqs = append(seqs, e.Seq)
			}
			if !reflect.DeepEqual(seqs, tc.want) {
				t.Fatalf("Last(%d) Seqs %v, want %v", tc.n, seqs, tc.want)
			}
		})
	}
}

// storeEdit changes the stored entries with bbolt directly, as someone
// with the file would, between closing and reopening the journal.
func storeEdit(t *testing.T, path string, edit func(b *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return edit(tx.Bucket(entriesBucket)) }); err != nil {
		t.Fatal(err)
	}
}

func wantBrokenAt(t *testing.T, err error, seq uint64) {
	t.Helper()
	var ce *ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("Verify = %v, want a ChainError at entry %d", err, seq)
	}
	if ce.Seq != seq {
		t.Fatalf("Verify = %v, want the break at entry %d", err, seq)
	}
}

func TestVerifyNamesTamperedEntry(t *testing.T) {
	// Where in entry 3's stored bytes to flip a bit.
	at := func(s string) func(v []byte) int {
		return func(v []byte) int { return bytes.Index(v, []byte(s)) }
	}
	fromEnd := func(n int) func(v []byte) int { return func(v []byte) int { return len(v) - n } }
	for _, tc := range []struct {
		field  string
		offset func(v []byte) int
	}{
		{"version", func([]byte) int { return 0 }},
		{"seq", func([]byte) int { return 8 }},
		{"time", func([]byte) int { return 16 }},
		{"kind length", func([]byte) int { return 20 }},
		{"kind", at("captured")},
		{"method", at("code")},
		{"detail", at("three")},
		{"prev", fromEnd(64 + 32 + 1)},
		{"hash", fromEnd(64 + 1)},
		{"signature", fromEnd(1)},
	} {
		t.Run(tc.field, func(t *testing.T) {
			j, path := filled(t)
			j.Close()
			storeEdit(t, path, func(b *bolt.Bucket) error {
				v := append([]byte(nil), b.Get(keyOfSeq(3))...)
				v[tc.offset(v)] ^= 0x01
				return b.Put(keyOfSeq(3), v)
			})
			wantBrokenAt(t, reopen(t, path).Verify(publicOf(testKey(1))), 3)
		})
	}
}

func TestVerifyNamesEveryTamperedByte(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	j.db.NoSync = true // hundreds of commits; durability is not under test here
	pub := publicOf(testKey(1))
	var orig []byte
	j.db.View(func(tx *bolt.Tx) error {
		orig = append(orig, tx.Bucket(entriesBucket).Get(keyOfSeq(3))...)
		return nil
	})
	put := func(v []byte) {
		t.Helper()
		if err := j.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(entriesBucket).Put(keyOfSeq(3), v) }); err != nil {
			t.Fatal(err)
		}
	}
	for i := range orig {
		v := append([]byte(nil), orig...)
		v[i] ^= 0x80
		put(v)
		var ce *ChainError
		if err := j.Verify(pub); !errors.As(err, &ce) || ce.Seq != 3 {
			t.Fatalf("byte %d of entry 3 flipped: Verify = %v", i, err)
		}
	}
	put(orig)
	if err := j.Verify(pub); err != nil {
		t.Fatalf("entry 3 restored: %v", err)
	}
}

func TestVerifyNamesRemovedOrMovedEntry(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(b *bolt.Bucket) error
		want uint64
	}{
		{"entry removed", func(b *bolt.Bucket) error { return b.Delete(keyOfSeq(3)) }, 3},
		{"first entry removed", func(b *bolt.Bucket) error { return b.Delete(keyOfSeq(1)) }, 1},
		{"entries swapped", func(b *bolt.Bucket) error {
			two, three := append([]byte(nil), b.Get(keyOfSeq(2))...), append([]byte(nil), b.Get(keyOfSeq(3))...)
			if err := b.Put(keyOfSeq(2), three); err != nil {
				return err
			}
			return b.Put(keyOfSeq(3), two)
		}, 2},
		{"entry replaced by a re-signed one from another chain", func(b *bolt.Bucket) error {
			e, err := decodeEntry(b.Get(keyOfSeq(4)))
			if err != nil {
				return err
			}
			e.Detail = "declined" // rewritten and re-signed, but not re-chained
			e.Prev = Digest{9}
			e.Hash = hashEntry(&e)
			e.Sig = ed25519.Sign(testKey(1), e.Hash[:])
			return b.Put(keyOfSeq(4), encodeEntry(&e))
		}, 4},
		{"stray key", func(b *bolt.Bucket) error { return b.Put([]byte("x"), []byte("y")) }, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, path := filled(t)
			j.Close()
			storeEdit(t, path, tc.edit)
			wantBrokenAt(t, reopen(t, path).Verify(publicOf(testKey(1))), tc.want)
		})
	}
}

func TestVerifyWrongKey(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	wantBrokenAt(t, j.Verify(publicOf(testKey(2))), 1)
	if err := j.Verify(ed25519.PublicKey{1, 2, 3}); err == nil {
		t.Fatal("Verify with a malformed key passed")
	}
}

func TestOpenRefuses(t *testing.T) {
	j, path := filled(t)
	j.Close()
	if _, err := Open(path, testKey(2), nil); err == nil {
		t.Error("Open with another key than the journal's succeeded")
	}
	if _, err := Open(path, ed25519.PrivateKey{1}, nil); err == nil {
		t.Error("Open with a malformed key succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "j.db"), testKey(1), nil); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestAppendRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Record
		code bool // refused as a payment code
	}{
		{"no kind", Record{Detail: "x"}, false},
		{"long kind", Record{Kind: string(make([]byte, maxKind+1))}, false},
		{"long method", Record{Kind: "k", Method: string(make([]byte, maxMethod+1))}, false},
		{"long detail", Record{Kind: "k", Detail: string(make([]byte, maxDetail+1))}, false},
		{"code in detail", Record{Kind: "captured", Detail: "scanned 281012345678901234"}, true},
		{"spaced code in detail", Record{Kind: "captured", Detail: "code 2810 1234 5678 9012"}, true},
		{"code in method", Record{Kind: "captured", Method: "281012345678"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, _ := filled(t)
			defer j.Close()
			_, err := j.Append(tc.r)
			if err == nil {
				t.Fatal("Append succeeded")
			}
			if got := errors.Is(err, ErrLooksLikeCode); got != tc.code {
				t.Errorf("Append = %v; ErrLooksLikeCode %v, want %v", err, got, tc.code)
			}
			if last, _ := j.Last(1); len(last) != 1 || last[0].Seq != 5 {
				t.Errorf("a refused record was stored: %+v", last)
			}
		})
	}
}

func TestHasDigitRun(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"", false},
		{"12345678901", false},
		{"123456789012", true},
		{"order 2026-03-01 total 12345", false},
		{"1234-5678-9012", true},
		{"1234 5678 901x2", false},
		{"amount 1000000000.00", false},
		{"x123456789012345678y", true},
	} {
		if got := hasDigitRun(tc.s, codeDigits); got != tc.want {
			t.Errorf("hasDigitRun(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	e := Entry{Seq: 7, Time: time.Unix(1700000000, 5).UTC(), Record: Record{Kind: "captured", Method: "code", Detail: "ok"}}
	e.Hash = hashEntry(&e)
	e.Sig = ed25519.Sign(testKey(1), e.Hash[:])
	good := encodeEntry(&e)
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(append(append([]byte(nil), good...), 0))
	f.Add([]byte{formatVersion})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := decodeEntry(b)
		if err != nil {
			return
		}
		if again := encodeEntry(&e); !bytes.Equal(again, b) {
			t.Fatalf("re-encoding differs:\n%x\n%x", again, b)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	j, err := Open(filepath.Join(b.TempDir(), "journal.db"), testKey(1), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	r := Record{Kind: "confirmed", OrderHash: order.Hash{1}, Method: "code", Detail: "approved"}
	for b.Loop() {
		if _, err := j.Append(r); err != nil {
			b.Fatal(err)
		}
	}
}
