package journal

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Checkpoint stands for the entries Prune removed: it names the last of
// them and its Hash, signed by the journal's key. The entry after it links
// to Hash, so the rest of the journal still verifies from here, and a
// removed entry's absence is explained rather than hidden.
type Checkpoint struct {
	Seq  uint64    // the last entry removed; entries 1…Seq are gone
	Time time.Time // when, from the journal's clock, UTC
	Hash Digest    // Hash of entry Seq
	Sig  []byte    // Ed25519 over the checkpoint's canonical encoding
}

// checkpointDomain separates a checkpoint's signed bytes from an entry's
// Hash (which is what entries sign).
const checkpointDomain = "payterm/journal/checkpoint/v1"

// checkpointSize is an encoded checkpoint: seq, time, hash, signature.
const checkpointSize = 8 + 8 + 32 + ed25519.SignatureSize

// signed is what Sig signs: domain, seq, time, hash.
func (c *Checkpoint) signed() []byte {
	b := appendString(nil, checkpointDomain)
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Time.UnixNano()))
	return append(b, c.Hash[:]...)
}

// Verify checks that pub signed the checkpoint.
func (c *Checkpoint) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, c.signed(), c.Sig) {
		return errors.New("journal: checkpoint signature does not verify")
	}
	return nil
}

func (c *Checkpoint) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, c.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Time.UnixNano()))
	b = append(b, c.Hash[:]...)
	return append(b, c.Sig...)
}

func decodeCheckpoint(d *decoder) Checkpoint {
	var c Checkpoint
	c.Seq = d.uint64()
	c.Time = time.Unix(0, int64(d.uint64())).UTC()
	copy(c.Hash[:], d.bytes(len(c.Hash)))
	c.Sig = append([]byte(nil), d.bytes(ed25519.SignatureSize)...)
	return c
}

// readCheckpoint returns the stored checkpoint; ok is false before the
// first Prune.
func readCheckpoint(tx *bolt.Tx) (c Checkpoint, ok bool, err error) {
	v := tx.Bucket(metaBucket).Get(checkpointKey)
	if v == nil {
		return Checkpoint{}, false, nil
	}
	d := decoder{b: v}
	c = decodeCheckpoint(&d)
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes after the checkpoint", len(d.b))
	}
	if d.err != nil {
		return Checkpoint{}, false, fmt.Errorf("checkpoint: %w", d.err)
	}
	return c, true, nil
}

// exportedUpTo is the newest Seq that Export has handed out.
func exportedUpTo(tx *bolt.Tx) uint64 {
	if v := tx.Bucket(metaBucket).Get(exportedKey); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// ErrNotExported: Prune was asked to remove entries that no Export has
// handed out yet.
var ErrNotExported = errors.New("journal: entries not exported yet")

// Prune removes the entries numbered up to upTo, but never one numbered
// keep or later (keep 0: no such floor; the terminal passes the entry of
// its oldest unresolved charge attempt, which it must find again after a
// restart). In the same transaction, and so atomically with the removal,
// it stores a signed Checkpoint for the last entry removed, and returns
// it. Entries that no Export has returned are never removed: an upTo past
// them fails with ErrNotExported. Asking for no more than is already
// pruned changes nothing and returns the current checkpoint (the zero
// Checkpoint before the first prune).
//
// bbolt never shrinks its file; the pages freed here are reused by later
// appends, which is what keeps the file's size bounded.
func (j *Journal) Prune(upTo, keep uint64) (Checkpoint, error) {
	cut := upTo
	if keep > 0 && keep-1 < cut {
		cut = keep - 1
	}
	var cp Checkpoint
	err := j.db.Update(func(tx *bolt.Tx) error {
		cur, _, err := readCheckpoint(tx)
		if err != nil {
			return err
		}
		if cut <= cur.Seq {
			cp = cur
			return nil
		}
		if exp := exportedUpTo(tx); cut > exp {
			return fmt.Errorf("up to %d, exported up to %d: %w", cut, exp, ErrNotExported)
		}
		b := tx.Bucket(entriesBucket)
		last, err := decodeEntry(b.Get(keyOfSeq(cut)))
		if err != nil {
			return fmt.Errorf("entry %d: %w", cut, err)
		}
		// The checkpoint vouches for this Hash from now on: make sure it
		// is the one the key signed over this content.
		if hashEntry(&last) != last.Hash || !ed25519.Verify(j.pub(), last.Hash[:], last.Sig) {
			return &ChainError{Seq: cut, Reason: "does not verify; not pruned"}
		}
		cp = Checkpoint{Seq: cut, Time: time.Unix(0, j.clock().UnixNano()).UTC(), Hash: last.Hash}
		cp.Sig = ed25519.Sign(j.key, cp.signed())
		if err := tx.Bucket(metaBucket).Put(checkpointKey, cp.encode()); err != nil {
			return err
		}
		c := b.Cursor()
		// Seek again after each Delete: a bbolt cursor that deletes and
		// then moves on can skip a key.
		for k, _ := c.First(); k != nil && seqOfKey(k) <= cut; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Checkpoint{}, fmt.Errorf("journal: prune up to %d: %w", upTo, err)
	}
	return cp, nil
}

func (j *Journal) pub() ed25519.PublicKey { return j.key.Public().(ed25519.PublicKey) }
