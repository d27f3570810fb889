package journal

import (
	"crypto/ed25519"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ChainError names the first entry at which the chain is broken.
type ChainError struct {
	Seq    uint64 // the entry that fails, or that is missing
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("journal: entry %d: %s", e.Seq, e.Reason)
}

// Verify walks the journal from its start — entry 1, or after a Prune the
// checkpoint, whose signature must verify — and checks that the entries
// are numbered on from there without gaps, that each links to the Hash of
// the one before (the first to the checkpoint's Hash), that each Hash
// matches its content, and that pub signed each Hash. It returns a
// *ChainError for the first entry that fails (the checkpoint's Seq when
// the checkpoint does), or nil if all pass (an empty journal passes).
func (j *Journal) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("journal: verify: public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	return j.db.View(func(tx *bolt.Tx) error {
		var tip Tip
		cp, ok, err := readCheckpoint(tx)
		switch {
		case err != nil:
			return &ChainError{Seq: 0, Reason: err.Error()}
		case ok:
			if err := cp.Verify(pub); err != nil {
				return &ChainError{Seq: cp.Seq, Reason: "checkpoint: " + err.Error()}
			}
			tip = Tip{cp.Seq, cp.Hash}
		}
		c := tx.Bucket(entriesBucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			hash, err := verifyEntry(pub, tip.Seq+1, tip.Hash, k, v)
			if err != nil {
				return err
			}
			tip = Tip{tip.Seq + 1, hash}
		}
		return nil
	})
}

// verifyEntry checks the stored entry k → v, expected to be entry want and
// to follow an entry whose Hash is prev. It returns the entry's Hash.
func verifyEntry(pub ed25519.PublicKey, want uint64, prev Digest, k, v []byte) (Digest, error) {
	broken := func(reason string) (Digest, error) {
		return Digest{}, &ChainError{Seq: want, Reason: reason}
	}
	switch seq := seqOfKey(k); {
	case len(k) != 8:
		return broken(fmt.Sprintf("a malformed key %x stands in its place", k))
	case seq > want:
		return broken("missing")
	case seq < want:
		return broken(fmt.Sprintf("an entry numbered %d stands in its place", seq))
	}
	e, err := decodeEntry(v)
	switch {
	case err != nil:
		return broken("unreadable: " + err.Error())
	case e.Seq != want:
		return broken(fmt.Sprintf("holds entry %d", e.Seq))
	}
	if err := verifyNext(pub, Tip{want - 1, prev}, &e); err != nil {
		return Digest{}, err
	}
	return e.Hash, nil
}

// verifyNext checks that e is the entry after tip: numbered next, linked
// to tip's Hash, hashed from its content and signed by pub.
func verifyNext(pub ed25519.PublicKey, tip Tip, e *Entry) error {
	want := tip.Seq + 1
	broken := func(reason string) error { return &ChainError{Seq: want, Reason: reason} }
	switch {
	case e.Seq > want:
		return broken("missing")
	case e.Seq != want:
		return broken(fmt.Sprintf("holds entry %d", e.Seq))
	case e.Prev != tip.Hash:
		return broken("does not link to the entry before")
	case hashEntry(e) != e.Hash:
		return broken("content does not match its hash")
	case !ed25519.Verify(pub, e.Hash[:], e.Sig):
		return broken("signature does not verify")
	}
	return nil
}
