package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"

	"payterm/firmware/journal"
	"payterm/pos"
)

// exportJournal fetches the terminal's journal entries after those the
// export file holds, appends them to it batch by batch (each verified
// against the file's tip first, and synced), checks the whole file as one
// chain from entry 1, and only then acknowledges, so the terminal prunes
// nothing the file does not safely hold.
func exportJournal(ctx context.Context, a *pos.Agent, o options, pub ed25519.PublicKey, stdout io.Writer) error {
	if o.outFile == "" {
		return errors.New("journal: -out is required")
	}
	if pub == nil {
		return errors.New("journal: -terminal-key is required to verify the journal")
	}
	f, err := os.OpenFile(o.outFile, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	tip, err := journal.VerifyExported(f, pub)
	if err != nil {
		return fmt.Errorf("journal: %s: %w", o.outFile, err)
	}
	start := tip.Seq
	for {
		raw, err := a.Terminal.JournalExport(ctx, o.saleID, newServiceID(), tip.Seq, 0)
		if err != nil {
			return err
		}
		b, err := journal.DecodeExport(raw)
		if err != nil {
			return err
		}
		if len(b.Entries) == 0 {
			break
		}
		if tip.Seq == 0 && b.Entries[0].Seq > 1 && b.Checkpoint != nil {
			return fmt.Errorf("journal: the terminal pruned entries 1…%d already; %s cannot start at entry 1", b.Checkpoint.Seq, o.outFile)
		}
		next, err := b.Verify(pub, tip)
		if err != nil {
			return fmt.Errorf("journal: batch after entry %d: %w", tip.Seq, err)
		}
		if _, err := f.Write(raw); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		tip = next
		if tip.Seq >= b.Head.Seq {
			break
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if again, err := journal.VerifyExported(f, pub); err != nil || again != tip {
		return fmt.Errorf("journal: %s does not verify after writing (tip %d): %v", o.outFile, again.Seq, err)
	}
	if tip.Seq == 0 {
		fmt.Fprintf(stdout, "journal of %s: empty\n", o.poiID)
		return nil
	}
	if err := a.Terminal.JournalAck(ctx, o.saleID, newServiceID(), tip.Seq); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "journal of %s: %d new entries; %s holds entries 1…%d, verified; the terminal may prune them\n",
		o.poiID, tip.Seq-start, o.outFile, tip.Seq)
	return nil
}
