package journal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names in the database file.
var (
	entriesBucket = []byte("entries") // big-endian Seq → stored entry
	metaBucket    = []byte("meta")
	publicKeyKey  = []byte("public-key") // the key the entries are signed with
)

// lockTimeout is how long Open waits for another process's lock on the
// file before failing, rather than hanging.
const lockTimeout = time.Second

// Journal is an open journal file. Its methods are safe for concurrent
// use.
type Journal struct {
	db    *bolt.DB
	key   ed25519.PrivateKey
	clock func() time.Time
}

// Open opens the journal at path, creating it if need be, to append
// entries signed with key and stamped by clock (nil: time.Now). A journal
// remembers the public key of the key that created it, and refuses any
// other, so that one file never holds a chain signed by two keys.
func Open(path string, key ed25519.PrivateKey, clock func() time.Time) (*Journal, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("journal: open %s: private key of %d bytes, want %d", path, len(key), ed25519.PrivateKeySize)
	}
	if clock == nil {
		clock = time.Now
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	pub := key.Public().(ed25519.PublicKey)
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(entriesBucket); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		switch stored := meta.Get(publicKeyKey); {
		case stored == nil:
			return meta.Put(publicKeyKey, pub)
		case !bytes.Equal(stored, pub):
			return errors.New("key differs from the one that signed this journal")
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	return &Journal{db: db, key: key, clock: clock}, nil
}

// Close closes the file.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("journal: close: %w", err)
	}
	return nil
}

// Append journals r as the next entry, chained to the last one and
// signed, and returns it once the file has been synced to disk (a bbolt
// commit fsyncs). The caller must not pass a payment code in any field;
// text with 12 or more digits in a row is refused with ErrLooksLikeCode.
func (j *Journal) Append(r Record) (Entry, error) {
	if err := r.validate(); err != nil {
		return Entry{}, fmt.Errorf("journal: append %q: %w", r.Kind, err)
	}
	e := Entry{
		Seq:    1,
		Time:   time.Unix(0, j.clock().UnixNano()).UTC(), // as it will read back
		Record: r,
	}
	err := j.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(entriesBucket)
		if k, v := b.Cursor().Last(); k != nil {
			last, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("last entry %d: %w", seqOfKey(k), err)
			}
			e.Seq, e.Prev = last.Seq+1, last.Hash
		}
		e.Hash = hashEntry(&e)
		e.Sig = ed25519.Sign(j.key, e.Hash[:])
		return b.Put(keyOfSeq(e.Seq), encodeEntry(&e))
	})
	if err != nil {
		return Entry{}, fmt.Errorf("journal: append %q: %w", r.Kind, err)
	}
	return e, nil
}

// Last returns the last n entries, oldest first; fewer if the journal is
// shorter, none if n ≤ 0. It checks each entry's form but not the chain.
func (j *Journal) Last(n int) ([]Entry, error) {
	if n <= 0 {
		return nil, nil
	}
	var out []Entry
	err := j.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(entriesBucket).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			e, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("entry %d: %w", seqOfKey(k), err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal: last %d: %w", n, err)
	}
	for i, k := 0, len(out)-1; i < k; i, k = i+1, k-1 {
		out[i], out[k] = out[k], out[i]
	}
	return out, nil
}

func keyOfSeq(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// seqOfKey reads a key written by keyOfSeq; 0 for any other key.
func seqOfKey(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}
