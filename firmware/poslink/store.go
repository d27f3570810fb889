package poslink

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The ServiceID store: nexo wants a ServiceID unique per SaleID, and a
// POS that lost a response repeats its request or asks TransactionStatus.
// Both are answered from here, never by running the request again. It is
// a bbolt database file: every write is a transaction fsync'd before it
// returns, so an entry written before a reply survives a power cut.

// DefaultServiceIDTTL is how long a ServiceID is remembered.
const DefaultServiceIDTTL = 48 * time.Hour

// DefaultPruneEvery is how often expired entries are deleted.
const DefaultPruneEvery = 10 * time.Minute

// bucketServices holds one record per (SaleID, ServiceID).
const bucketServices = "services"

// EntryState is where a stored request stands.
type EntryState uint8

const (
	// StateRunning: the request is with the terminal; no response yet.
	StateRunning EntryState = iota + 1
	// StateDone: Response holds the bytes sent.
	StateDone
	// StateInterrupted: the terminal restarted while the request ran. Its
	// outcome is unknown to the link: in direct mode a charge may have
	// gone through, so the POS must ask the payment system before trying
	// again. TransactionStatus and repeats answer it with Failure,
	// ErrorCondition Aborted, AdditionalResponse state=interrupted.
	StateInterrupted
)

var stateNames = [...]string{StateRunning: "running", StateDone: "done", StateInterrupted: "interrupted"}

func (s EntryState) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return "state?"
}

// Entry is what the store knows of one (SaleID, ServiceID).
type Entry struct {
	SaleID, ServiceID string
	Category          string // MessageCategory of the request
	// Key is the link key the request came under (Call.Key; "" plain):
	// only a request under the same key is answered from this entry.
	Key   string
	Hash  [32]byte // of the request (requestHash): tells a true repeat from a reused ServiceID
	State EntryState
	Time  time.Time // when the request began; the entry expires TTL later
	// Response is the reply as sent: sealed when the request was
	// encrypted, and without its credential fields when it was plain, so
	// no credential is stored in the clear. nil unless StateDone.
	Response []byte
}

// StoreOptions configure OpenStore; the zero value means defaults.
type StoreOptions struct {
	TTL        time.Duration    // 0: DefaultServiceIDTTL
	PruneEvery time.Duration    // 0: DefaultPruneEvery
	Now        func() time.Time // nil: time.Now
	Log        *slog.Logger     // nil: discard
	// LockTimeout is how long OpenStore waits for another process to
	// release the file; 0 means one second.
	LockTimeout time.Duration
}

// Store is the persistent ServiceID store. Safe for concurrent use.
type Store struct {
	db         *bolt.DB
	ttl        time.Duration
	pruneEvery time.Duration
	now        func() time.Time
	log        *slog.Logger

	mu        sync.Mutex
	lastPrune time.Time
}

// OpenStore opens (creating if needed) the store at path. Requests still
// running when the file was last closed — the terminal crashed or lost
// power mid-request — become StateInterrupted, and expired entries are
// deleted. Another process holding the file makes OpenStore fail after
// LockTimeout instead of waiting forever.
func OpenStore(path string, opt StoreOptions) (*Store, error) {
	s := &Store{ttl: opt.TTL, pruneEvery: opt.PruneEvery, now: opt.Now, log: opt.Log}
	if s.ttl <= 0 {
		s.ttl = DefaultServiceIDTTL
	}
	if s.pruneEvery <= 0 {
		s.pruneEvery = DefaultPruneEvery
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	lockTimeout := opt.LockTimeout
	if lockTimeout <= 0 {
		lockTimeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, fmt.Errorf("poslink: open store %s: %w", path, err)
	}
	s.db = db
	now := s.now()
	var interrupted, pruned, format int
	err = db.Update(func(tx *bolt.Tx) error {
		f, ferr := checkFormat(tx)
		if ferr != nil {
			return ferr
		}
		format = f
		b, err := tx.CreateBucketIfNotExists([]byte(bucketServices))
		if err != nil {
			return err
		}
		if interrupted, err = interruptRunning(b); err != nil {
			return err
		}
		pruned, err = s.prune(b, now)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("poslink: open store %s: %w", path, err)
	}
	s.lastPrune = now
	if interrupted > 0 {
		s.log.Warn("requests interrupted by a restart", "count", interrupted)
	}
	if format > storeFormat {
		s.log.Warn("ServiceID store written by newer firmware: read as this firmware's format", "format", format, "reads", storeFormat)
	}
	s.log.Debug("ServiceID store open", "path", path, "pruned", pruned, "format", format)
	return s, nil
}

// Close closes the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("poslink: close store: %w", err)
	}
	return nil
}

// Begin records that (saleID, serviceID) starts running under key,
// unless an entry for it exists and has not expired: then it returns that
// entry and fresh = false, and records nothing. Expired entries are
// pruned now and then as a side effect.
func (s *Store) Begin(saleID, serviceID, key, category string, hash [32]byte) (prev Entry, fresh bool, err error) {
	now := s.now()
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketServices))
		if err := s.maybePrune(b, now); err != nil {
			return err
		}
		k := entryKey(saleID, serviceID)
		if v := b.Get(k); v != nil {
			e, err := decodeEntry(k, v)
			if err == nil && !s.expired(e, now) {
				prev = e
				return nil
			}
		}
		fresh = true
		return b.Put(k, encodeEntry(Entry{Category: category, Key: key, Hash: hash, State: StateRunning, Time: now}))
	})
	if err != nil {
		return Entry{}, false, fmt.Errorf("poslink: store begin %s/%s: %w", saleID, serviceID, err)
	}
	return prev, fresh, nil
}

// Finish records the response sent for (saleID, serviceID). Persist
// before replying: a POS that asks again must get these bytes.
func (s *Store) Finish(saleID, serviceID string, response []byte) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketServices))
		k := entryKey(saleID, serviceID)
		e := Entry{Time: s.now()}
		if v := b.Get(k); v != nil {
			if old, err := decodeEntry(k, v); err == nil {
				e = old
			}
		}
		e.State, e.Response = StateDone, response
		return b.Put(k, encodeEntry(e))
	})
	if err != nil {
		return fmt.Errorf("poslink: store finish %s/%s: %w", saleID, serviceID, err)
	}
	return nil
}

// Get returns the unexpired entry of (saleID, serviceID).
func (s *Store) Get(saleID, serviceID string) (Entry, bool, error) {
	now := s.now()
	var e Entry
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		k := entryKey(saleID, serviceID)
		v := tx.Bucket([]byte(bucketServices)).Get(k)
		if v == nil {
			return nil
		}
		var err error
		if e, err = decodeEntry(k, v); err != nil {
			return err
		}
		found = !s.expired(e, now)
		return nil
	})
	if err != nil {
		return Entry{}, false, fmt.Errorf("poslink: store get %s/%s: %w", saleID, serviceID, err)
	}
	return e, found, nil
}

// Latest returns the most recent unexpired entry of saleID made under key
// whose category is one of categories (any category if none are given).
func (s *Store) Latest(saleID, key string, categories ...string) (Entry, bool, error) {
	now := s.now()
	var best Entry
	var found bool
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := entryKey(saleID, "")
		c := tx.Bucket([]byte(bucketServices)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			e, err := decodeEntry(k, v)
			if err != nil || s.expired(e, now) || e.Key != key {
				continue
			}
			if len(categories) > 0 && !slices.Contains(categories, e.Category) {
				continue
			}
			if !found || !e.Time.Before(best.Time) {
				best, found = e, true
			}
		}
		return nil
	})
	if err != nil {
		return Entry{}, false, fmt.Errorf("poslink: store latest %s: %w", saleID, err)
	}
	return best, found, nil
}

// Prune deletes expired entries now and returns how many.
func (s *Store) Prune() (int, error) {
	now := s.now()
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = s.prune(tx.Bucket([]byte(bucketServices)), now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("poslink: store prune: %w", err)
	}
	s.mu.Lock()
	s.lastPrune = now
	s.mu.Unlock()
	return n, nil
}

func (s *Store) maybePrune(b *bolt.Bucket, now time.Time) error {
	s.mu.Lock()
	due := now.Sub(s.lastPrune) >= s.pruneEvery
	if due {
		s.lastPrune = now
	}
	s.mu.Unlock()
	if !due {
		return nil
	}
	n, err := s.prune(b, now)
	if n > 0 {
		s.log.Debug("pruned expired ServiceIDs", "count", n)
	}
	return err
}

func (s *Store) expired(e Entry, now time.Time) bool { return now.Sub(e.Time) >= s.ttl }

// prune deletes expired and unreadable entries. Keys are collected first:
// deleting under a moving bbolt cursor can skip entries.
func (s *Store) prune(b *bolt.Bucket, now time.Time) (int, error) {
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if e, err := decodeEntry(k, v); err != nil || s.expired(e, now) {
			dead = append(dead, slices.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dead), nil
}

func interruptRunning(b *bolt.Bucket) (int, error) {
	type kv struct{ k, v []byte }
	var changed []kv
	err := b.ForEach(func(k, v []byte) error {
		if e, err := decodeEntry(k, v); err == nil && e.State == StateRunning {
			e.State = StateInterrupted
			changed = append(changed, kv{slices.Clone(k), encodeEntry(e)})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, c := range changed {
		if err := b.Put(c.k, c.v); err != nil {
			return 0, err
		}
	}
	return len(changed), nil
}

// entryKey is uvarint(len(saleID)) | saleID | serviceID: no separator
// byte that an ID could contain, and all of a sale's entries share a
// prefix.
func entryKey(saleID, serviceID string) []byte {
	k := binary.AppendUvarint(nil, uint64(len(saleID)))
	k = append(k, saleID...)
	return append(k, serviceID...)
}

func splitKey(k []byte) (saleID, serviceID string, ok bool) {
	n, w := binary.Uvarint(k)
	if w <= 0 || n > uint64(len(k)-w) {
		return "", "", false
	}
	return string(k[w : w+int(n)]), string(k[w+int(n):]), true
}

// record is an Entry as stored: JSON, readable with any bbolt browser.
// Response is the reply's own JSON, not base64, so that what the file
// holds is plain to see (and to scan for credentials); records written
// before held it as a base64 string, still read.
type record struct {
	Category string          `json:"category"`
	Key      string          `json:"key,omitempty"`
	Hash     []byte          `json:"hash"`
	State    string          `json:"state"`
	Time     time.Time       `json:"time"`
	Response json.RawMessage `json:"response,omitempty"`
}

var errBadRecord = errors.New("unreadable store record")

func encodeEntry(e Entry) []byte {
	r := record{Category: e.Category, Key: e.Key, Hash: e.Hash[:], State: e.State.String(), Time: e.Time.UTC()}
	if json.Valid(e.Response) {
		r.Response = e.Response
	} else if e.Response != nil {
		r.Response, _ = json.Marshal(e.Response) // not JSON: as a base64 string
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the reply's bytes stay as sent
	enc.Encode(r)            // plain types and valid JSON: cannot fail
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func decodeEntry(k, v []byte) (Entry, error) {
	var r record
	if err := json.Unmarshal(v, &r); err != nil || len(r.Hash) != 32 {
		return Entry{}, errBadRecord
	}
	e := Entry{Category: r.Category, Key: r.Key, Time: r.Time, Response: r.Response}
	if len(r.Response) > 0 && r.Response[0] == '"' {
		if err := json.Unmarshal(r.Response, &e.Response); err != nil {
			return Entry{}, errBadRecord
		}
	}
	copy(e.Hash[:], r.Hash)
	switch r.State {
	case "running":
		e.State = StateRunning
	case "done":
		e.State = StateDone
	case "interrupted":
		e.State = StateInterrupted
	default:
		return Entry{}, errBadRecord
	}
	var ok bool
	if e.SaleID, e.ServiceID, ok = splitKey(k); !ok {
		return Entry{}, errBadRecord
	}
	return e, nil
}
