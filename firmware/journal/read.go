package journal

import (
	"errors"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
)

// scanBatch is how many entries Scan reads per read transaction: fn runs
// outside any transaction, so it may call the journal (even Append).
const scanBatch = 256

// Since returns up to max entries numbered after seq, oldest first; none
// if max ≤ 0 or nothing follows seq. Entries already pruned are skipped:
// the first one returned may be numbered above seq+1. It checks each
// entry's form but not the chain.
func (j *Journal) Since(seq uint64, max int) ([]Entry, error) {
	if max <= 0 {
		return nil, nil
	}
	var out []Entry
	err := j.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = readAfter(tx, seq, max)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("journal: since %d: %w", seq, err)
	}
	return out, nil
}

// ErrStop, returned by Scan's fn, ends the scan early; Scan then returns
// nil.
var ErrStop = errors.New("journal: stop scanning")

// Scan calls fn for each entry numbered from on, oldest first, until fn
// returns an error (ErrStop ends it quietly; any other comes back as is)
// or the entries run out. Entries appended while it runs may or may not
// be seen. After a restart, the terminal scans from its oldest unresolved
// charge attempt (or from 0) to find attempts without an outcome.
func (j *Journal) Scan(from uint64, fn func(Entry) error) error {
	after := uint64(0)
	if from > 0 {
		after = from - 1
	}
	for {
		batch, err := j.Since(after, scanBatch)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
		if len(batch) < scanBatch {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// readAfter reads up to max entries numbered after seq, oldest first.
func readAfter(tx *bolt.Tx, seq uint64, max int) ([]Entry, error) {
	if seq == math.MaxUint64 {
		return nil, nil
	}
	var out []Entry
	c := tx.Bucket(entriesBucket).Cursor()
	for k, v := c.Seek(keyOfSeq(seq + 1)); k != nil && len(out) < max; k, v = c.Next() {
		e, err := decodeEntry(v)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", seqOfKey(k), err)
		}
		out = append(out, e)
	}
	return out, nil
}
