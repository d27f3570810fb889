package main

import (
	"log/slog"
	"time"

	"payterm/firmware/checkout"
	"payterm/firmware/journal"
)

// journalAdapter writes checkout records into the signed journal and
// tells the terminal's payment memory what was written.
type journalAdapter struct {
	j        *journal.Journal
	payments *payments
}

func (a journalAdapter) record(r checkout.Record) error {
	jr := journalRecord(r)
	if _, err := a.j.Append(jr); err != nil {
		return err
	}
	a.payments.note(jr, time.Now())
	return nil
}

// journalRecord is r in the journal's terms.
func journalRecord(r checkout.Record) journal.Record {
	jr := journal.Record{Kind: r.Kind, OrderHash: r.Hash, Detail: r.Detail, Ref: r.Ref, Request: string(r.Req),
		Amount: r.Amount, Currency: r.Currency, Reference: r.Reference}
	if r.Method != checkout.NoMethod {
		jr.Method = r.Method.String()
	}
	if r.Status != checkout.ChargeUnknown {
		jr.Status = r.Status.String()
	}
	return jr
}

// logJournalOpened logs how many entries the journal holds (entries are
// numbered from 1 and never removed, so the last one's number is the
// count): after a restart it shows the journal survived it.
func logJournalOpened(j *journal.Journal, log *slog.Logger) {
	last, err := j.Last(1)
	if err != nil {
		log.Warn("journal opened; last entry unreadable", "err", err)
		return
	}
	var n uint64
	if len(last) == 1 {
		n = last[0].Seq
	}
	log.Info("journal opened", "entries", n)
}
