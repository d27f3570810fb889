package poslink_test

import (
	"bytes"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"payterm/firmware/poslink"
)

// editStore changes the closed store file at path with f.
func editStore(t *testing.T, path string, f func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(f); err != nil {
		t.Fatal(err)
	}
	db.Close()
}

func storeFormat(t *testing.T, path string) string {
	t.Helper()
	var v string
	editStore(t, path, func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("meta")); b != nil {
			v = string(b.Get([]byte("format")))
		}
		return nil
	})
	return v
}

// TestStoreFormat: the store names its format. One written before
// formats were numbered opens as format 1 and is numbered; one a newer
// firmware wrote (members and buckets added) is read by this one after
// a rollback, its number kept; a number that is not one refuses to open.
func TestStoreFormat(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(tx *bolt.Tx) error
		format string // after reopening
		fails  bool
	}{
		{"this format", func(*bolt.Tx) error { return nil }, "1", false},
		{"unnumbered", func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("meta")) }, "1", false},
		{"newer: members and a bucket added", func(tx *bolt.Tx) error {
			if err := tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("2")); err != nil {
				return err
			}
			if _, err := tx.CreateBucket([]byte("receipts")); err != nil {
				return err
			}
			b := tx.Bucket([]byte("services"))
			return b.ForEach(func(k, v []byte) error {
				return b.Put(k, append(bytes.TrimSuffix(v, []byte("}")), []byte(`,"terminal_note":"v2"}`)...))
			})
		}, "2", false},
		{"garbage", func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("x")) }, "x", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			path := filepath.Join(t.TempDir(), "s.db")
			s := openStore(t, path, clk)
			s.Begin("POS1", "done", "", "Payment", hashOf(1))
			s.Finish("POS1", "done", []byte(`{"paid":true}`))
			s.Close()
			if got := storeFormat(t, path); got != "1" {
				t.Fatalf("a new store's format %q, want 1", got)
			}
			editStore(t, path, tc.edit)

			s, err := poslink.OpenStore(path, poslink.StoreOptions{Now: clk.Now})
			if tc.fails {
				if err == nil {
					s.Close()
					t.Fatal("opened")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e, ok, err := s.Get("POS1", "done")
			s.Close()
			if err != nil || !ok || e.State != poslink.StateDone || string(e.Response) != `{"paid":true}` || e.Hash != hashOf(1) {
				t.Fatalf("entry after reopening: %+v %v %v", e, ok, err)
			}
			if got := storeFormat(t, path); got != tc.format {
				t.Errorf("format %q after reopening, want %q", got, tc.format)
			}
		})
	}
}
