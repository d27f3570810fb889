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
	checkpointKey = []byte("checkpoint") // the last Prune's Checkpoint, encoded
	exportedKey   = []byte("exported")   // big-endian Seq of the newest entry Export returned
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
// commit fsyncs). After a Prune that left no entry, it chains to the
// checkpoint. The caller must not pass a payment code in any field: a
// digit run of 12 or more that stands as a token of its own (see
// Record) is refused with ErrLooksLikeCode.
func (j *Journal) Append(r Record) (Entry, error) {
	if err := r.validate(); err != nil {
		return Entry{}, fmt.Errorf("journal: append %q: %w", r.Kind, err)
	}
	e := Entry{
		Seq:    1,
		Time:   time.Unix(0, j.clock().UnixNano()).UTC(), // as it will read back
		Record: r,
		format: formatVersion,
	}
	err := j.db.Update(func(tx *bolt.Tx) error {
		tip, err := tipOf(tx)
		if err != nil {
			return err
		}
		e.Seq, e.Prev = tip.Seq+1, tip.Hash
		b := tx.Bucket(entriesBucket)
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

// Tip is the end of a chain: the Seq and Hash of its last entry. The zero
// Tip is the start of a journal, before entry 1.
type Tip struct {
	Seq  uint64
	Hash Digest
}

// tipOf is the last entry, or the checkpoint when Prune left none.
func tipOf(tx *bolt.Tx) (Tip, error) {
	if k, v := tx.Bucket(entriesBucket).Cursor().Last(); k != nil {
		last, err := decodeEntry(v)
		if err != nil {
			return Tip{}, fmt.Errorf("last entry %d: %w", seqOfKey(k), err)
		}
		return Tip{last.Seq, last.Hash}, nil
	}
	cp, ok, err := readCheckpoint(tx)
	if err != nil || !ok {
		return Tip{}, err
	}
	return Tip{cp.Seq, cp.Hash}, nil
}

func keyOfSeq(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// seqOfKey reads a key written by keyOfSeq; 0 for any other key.
func seqOfKey(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}
