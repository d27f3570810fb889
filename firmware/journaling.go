package main

import (
	"log/slog"

	"payterm/firmware/checkout"
	"payterm/firmware/journal"
)

// journalAdapter writes checkout records into the signed journal.
type journalAdapter struct{ j *journal.Journal }

func (a journalAdapter) record(r checkout.Record) error {
	method := ""
	if r.Method != checkout.NoMethod {
		method = r.Method.String()
	}
	_, err := a.j.Append(journal.Record{Kind: r.Kind, OrderHash: r.Hash, Method: method, Detail: r.Detail})
	return err
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
