package journal

import (
	"bufio"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// ExportBatch is a run of entries handed to the POS, with what it needs
// to check them and to know whether more follow.
type ExportBatch struct {
	// Checkpoint is the journal's checkpoint when exported; nil before the
	// first Prune. A POS that lost its export file starts again from it.
	Checkpoint *Checkpoint
	// Head is the journal's last entry when exported: more follow while
	// the batch's last Seq is below Head.Seq.
	Head Tip
	// Entries are numbered after the Seq asked for, oldest first, without
	// gaps; the first is numbered above it + 1 only when those were pruned.
	Entries []Entry
}

// MaxExportEntries bounds one batch: an entry is at most ~4.4 KB, so a
// batch stays under 1.2 MB, well inside one nexo message.
const MaxExportEntries = 256

// Export returns up to max (at most MaxExportEntries) entries numbered
// after from, oldest first, with the chain head and checkpoint. It
// remembers the newest entry it has handed out: Prune removes no entry
// past it. max ≤ 0 returns the head and checkpoint alone.
func (j *Journal) Export(from uint64, max int) (ExportBatch, error) {
	max = min(max, MaxExportEntries)
	var b ExportBatch
	err := j.db.Update(func(tx *bolt.Tx) error {
		cp, ok, err := readCheckpoint(tx)
		if err != nil {
			return err
		}
		if ok {
			b.Checkpoint = &cp
		}
		if b.Head, err = tipOf(tx); err != nil {
			return err
		}
		if max > 0 {
			if b.Entries, err = readAfter(tx, from, max); err != nil {
				return err
			}
		}
		if n := len(b.Entries); n > 0 && b.Entries[n-1].Seq > exportedUpTo(tx) {
			return tx.Bucket(metaBucket).Put(exportedKey, keyOfSeq(b.Entries[n-1].Seq))
		}
		return nil
	})
	if err != nil {
		return ExportBatch{}, fmt.Errorf("journal: export after %d: %w", from, err)
	}
	return b, nil
}

// Verify checks that the batch's entries continue the chain after tip —
// numbered on without gaps, linked, hashed and signed by pub — that they
// agree with Head, and that pub signed the checkpoint if there is one. It
// returns the new tip (tip itself for a batch without entries).
func (b *ExportBatch) Verify(pub ed25519.PublicKey, tip Tip) (Tip, error) {
	if len(pub) != ed25519.PublicKeySize {
		return tip, fmt.Errorf("journal: verify: public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if b.Checkpoint != nil {
		if err := b.Checkpoint.Verify(pub); err != nil {
			return tip, err
		}
	}
	for i := range b.Entries {
		if err := verifyNext(pub, tip, &b.Entries[i]); err != nil {
			return tip, err
		}
		tip = Tip{b.Entries[i].Seq, b.Entries[i].Hash}
	}
	switch {
	case len(b.Entries) == 0:
	case tip.Seq > b.Head.Seq:
		return tip, fmt.Errorf("journal: batch ends at entry %d, past its head %d", tip.Seq, b.Head.Seq)
	case tip.Seq == b.Head.Seq && tip.Hash != b.Head.Hash:
		return tip, fmt.Errorf("journal: batch ends at entry %d, whose hash differs from its head's", tip.Seq)
	}
	return tip, nil
}

// exportMagic starts every encoded batch, so that batches concatenated
// into an export file can be told apart from anything else.
const exportMagic = "PTJX\x00\x01"

// Encode is the batch's wire and file form:
//
//	magic       "PTJX\x00\x01"
//	head        seq uint64 big-endian, hash 32 bytes
//	checkpoint  1 byte: 0 for none, 1 followed by seq, time (uint64
//	            big-endian each), hash 32 bytes, signature 64 bytes
//	count       uint32 big-endian
//	entries     count × (uint32 big-endian length, stored entry)
//
// An export file is encoded batches one after another.
func (b *ExportBatch) Encode() []byte {
	out := []byte(exportMagic)
	out = binary.BigEndian.AppendUint64(out, b.Head.Seq)
	out = append(out, b.Head.Hash[:]...)
	if b.Checkpoint == nil {
		out = append(out, 0)
	} else {
		out = append(out, 1)
		out = append(out, b.Checkpoint.encode()...)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(len(b.Entries)))
	for i := range b.Entries {
		e := encodeEntry(&b.Entries[i])
		out = binary.BigEndian.AppendUint32(out, uint32(len(e)))
		out = append(out, e...)
	}
	return out
}

// maxEntrySize bounds a stored entry: the fixed fields, and each text at
// its limit.
const maxEntrySize = 1 + 8 + 8 + 32 + 32 + 32 + ed25519.SignatureSize + 8 +
	4*7 + maxKind + maxMethod + maxDetail + 2*maxRef + maxCurrency

// DecodeExport parses one encoded batch, which must fill b exactly. It
// checks the form, not the chain: call Verify.
func DecodeExport(b []byte) (ExportBatch, error) {
	batch, rest, err := decodeBatch(b)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("%d bytes after the batch", len(rest))
	}
	if err != nil {
		return ExportBatch{}, fmt.Errorf("journal: export batch: %w", err)
	}
	return batch, nil
}

func decodeBatch(b []byte) (ExportBatch, []byte, error) {
	d := decoder{b: b}
	if m := d.bytes(len(exportMagic)); m == nil || string(m) != exportMagic {
		return ExportBatch{}, nil, errors.New("not an export batch")
	}
	var batch ExportBatch
	batch.Head.Seq = d.uint64()
	copy(batch.Head.Hash[:], d.bytes(len(batch.Head.Hash)))
	switch flag := d.bytes(1); {
	case flag == nil:
	case flag[0] == 1:
		cp := decodeCheckpoint(&d)
		batch.Checkpoint = &cp
	case flag[0] != 0:
		return ExportBatch{}, nil, fmt.Errorf("checkpoint flag %d", flag[0])
	}
	n := d.uint32()
	if d.err == nil && uint64(n)*4 > uint64(len(d.b)) {
		return ExportBatch{}, nil, fmt.Errorf("%d entries do not fit in %d bytes", n, len(d.b))
	}
	for i := uint32(0); i < n && d.err == nil; i++ {
		size := d.uint32()
		if size > maxEntrySize {
			return ExportBatch{}, nil, fmt.Errorf("entry %d of %d bytes, over %d", i, size, maxEntrySize)
		}
		raw := d.bytes(int(size))
		if d.err != nil {
			break
		}
		e, err := decodeEntry(raw)
		if err != nil {
			return ExportBatch{}, nil, fmt.Errorf("entry %d: %w", i, err)
		}
		batch.Entries = append(batch.Entries, e)
	}
	if d.err != nil {
		return ExportBatch{}, nil, d.err
	}
	return batch, d.b, nil
}

// VerifyExported checks an export file — batches as Encode wrote them, one
// after another, as the POS appends them — as one chain from entry 1,
// signed by pub. It returns the file's tip: the POS asks for the entries
// after tip.Seq next, and acknowledges up to it.
func VerifyExported(r io.Reader, pub ed25519.PublicKey) (Tip, error) {
	var tip Tip
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		raw, err := readBatch(br)
		if err == io.EOF {
			return tip, nil
		}
		if err != nil {
			return tip, fmt.Errorf("journal: export file, batch %d: %w", n, err)
		}
		b, err := DecodeExport(raw)
		if err != nil {
			return tip, fmt.Errorf("journal: export file, batch %d: %w", n, err)
		}
		if tip, err = b.Verify(pub, tip); err != nil {
			return tip, fmt.Errorf("journal: export file, batch %d: %w", n, err)
		}
	}
}

// readBatch reads one encoded batch off r, by its lengths; io.EOF when r
// ends cleanly before it.
func readBatch(r *bufio.Reader) ([]byte, error) {
	if _, err := r.Peek(1); err == io.EOF {
		return nil, io.EOF
	}
	const fixed = len(exportMagic) + 8 + 32
	buf := make([]byte, fixed+1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, cutShort(err)
	}
	if string(buf[:len(exportMagic)]) != exportMagic {
		return nil, errors.New("not an export batch")
	}
	if buf[fixed] == 1 {
		cp := make([]byte, checkpointSize)
		if _, err := io.ReadFull(r, cp); err != nil {
			return nil, cutShort(err)
		}
		buf = append(buf, cp...)
	}
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, cutShort(err)
	}
	buf = append(buf, n[:]...)
	for i := binary.BigEndian.Uint32(n[:]); i > 0; i-- {
		var size [4]byte
		if _, err := io.ReadFull(r, size[:]); err != nil {
			return nil, cutShort(err)
		}
		s := binary.BigEndian.Uint32(size[:])
		if s > maxEntrySize {
			return nil, fmt.Errorf("entry of %d bytes, over %d", s, maxEntrySize)
		}
		e := make([]byte, s)
		if _, err := io.ReadFull(r, e); err != nil {
			return nil, cutShort(err)
		}
		buf = append(append(buf, size[:]...), e...)
	}
	return buf, nil
}

func cutShort(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("file cut short")
	}
	return err
}
