package main

import (
	"fmt"
	"log/slog"
	"slices"

	"payterm/firmware/journal"
	"payterm/firmware/poslink"
)

// recordAttempt is the kind of a charge attempt's journal record, which
// carries the attempt's out_trade_no in Ref; a later record with the same
// Ref (the out_trade_no, not the host's trade_no) and a kind in
// attemptResolvers ends it. The checkout core names these kinds: keep
// them in step.
const recordAttempt = "attempt"

var attemptResolvers = []string{"outcome"}

// journalExport is the journal as the POS link exports it
// (poslink.JournalSource): batches sized for one link message, and
// pruning only what the POS acknowledged and the terminal no longer
// needs.
type journalExport struct {
	j *journal.Journal
	// floor is the Seq of the oldest entry the terminal must keep (its
	// oldest unresolved charge attempt, which it looks for at boot); 0
	// for none.
	floor func() (uint64, error)
	log   *slog.Logger
}

var _ poslink.JournalSource = journalExport{}

// newJournalExport exports j and keeps its oldest unresolved charge
// attempt and everything after it.
func newJournalExport(j *journal.Journal, log *slog.Logger) journalExport {
	return journalExport{j: j, floor: func() (uint64, error) { return oldestOpenAttempt(j) }, log: log}
}

// batchOverhead is room for an encoded batch's head and checkpoint.
const batchOverhead = 256

// Export returns the encoded batch of up to max entries after from, as
// many as fit in poslink.MaxJournalBatch. The size is settled on a read
// before Export marks the entries as handed out.
func (x journalExport) Export(from uint64, max int) ([]byte, error) {
	es, err := x.j.Since(from, max)
	if err != nil {
		return nil, err
	}
	n := len(es)
	for n > 1 {
		b := journal.ExportBatch{Entries: es[:n]}
		if len(b.Encode())+batchOverhead <= poslink.MaxJournalBatch {
			break
		}
		n /= 2
	}
	if n == 0 {
		n = 1 // nothing after from: the head and checkpoint alone
	}
	b, err := x.j.Export(from, min(n, len(es)))
	if err != nil {
		return nil, err
	}
	return b.Encode(), nil
}

// Ack prunes the entries up to upTo, keeping the floor and everything
// after it.
func (x journalExport) Ack(upTo uint64) error {
	var keep uint64
	if x.floor != nil {
		var err error
		if keep, err = x.floor(); err != nil {
			return fmt.Errorf("journal floor: %w", err)
		}
	}
	cp, err := x.j.Prune(upTo, keep)
	if err != nil {
		return err
	}
	x.log.Info("journal pruned behind a checkpoint", "acked", upTo, "kept_from", keep, "checkpoint", cp.Seq)
	return nil
}

// oldestOpenAttempt is the Seq of the oldest charge attempt the journal
// holds no resolution for, 0 if there is none.
func oldestOpenAttempt(j *journal.Journal) (uint64, error) {
	open := map[string]uint64{} // Ref → Seq of its attempt
	err := j.Scan(0, func(e journal.Entry) error {
		if e.Ref == "" {
			return nil
		}
		switch {
		case e.Kind == recordAttempt:
			if _, ok := open[e.Ref]; !ok {
				open[e.Ref] = e.Seq
			}
		case slices.Contains(attemptResolvers, e.Kind):
			delete(open, e.Ref)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	var oldest uint64
	for _, seq := range open {
		if oldest == 0 || seq < oldest {
			oldest = seq
		}
	}
	return oldest, nil
}
