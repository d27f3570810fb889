package main

import (
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
