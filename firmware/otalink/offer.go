package otalink

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"payterm/firmware/poslink"
	"payterm/internal/atomicfile"
)

// offerFile keeps the bundle being received beside the sink's state.
const offerFile = "offer.json"

// maxOfferFile bounds what readOffer reads.
const maxOfferFile = 4096

// offerFormat is the offer record's format, as for the other /data
// files (update/floor): "format" is the newest format that wrote the
// file; a newer format only adds members and never changes one, so an
// older firmware (after a rollback) still reads the members it knows and
// writes back the ones it does not. A record without "format" was
// written before formats were numbered: format 1, the same members.
//
//	{"bundle":"…","format":1,"installing":true,"size":123,"version":"1.4.0"}
const offerFormat = 1

// offerRecord is offer.json: the bundle the sink's state belongs to.
type offerRecord struct {
	Bundle  string `json:"bundle"`
	Size    int64  `json:"size"`
	Version string `json:"version"`
	// Installing is set just before the slot switch: at the next start,
	// a running version other than Version means it did not come up.
	Installing bool `json:"installing,omitempty"`
	// format and rest are what was read: the file's format and the
	// members of a newer format, written back unchanged.
	format int
	rest   map[string]json.RawMessage
}

func (o offerRecord) offer() poslink.UpdateOffer {
	return poslink.UpdateOffer{Bundle: o.Bundle, Size: o.Size, Version: o.Version}
}

// readOffer reads dir's offer record; (nil, nil) when there is none.
func readOffer(dir string) (*offerRecord, error) {
	b, err := os.ReadFile(filepath.Join(dir, offerFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("otalink: offer: %w", err)
	}
	return parseOffer(b)
}

// parseOffer decodes and checks an offer record of any format.
func parseOffer(b []byte) (*offerRecord, error) {
	if len(b) > maxOfferFile {
		return nil, fmt.Errorf("otalink: offer: over %d bytes", maxOfferFile)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return nil, errors.New("otalink: offer: not a JSON object")
	}
	o := offerRecord{format: 1}
	for name, dst := range map[string]any{"format": &o.format, "bundle": &o.Bundle, "size": &o.Size, "version": &o.Version, "installing": &o.Installing} {
		if v, ok := m[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return nil, fmt.Errorf("otalink: offer: %s: %w", name, err)
			}
			delete(m, name)
		}
	}
	if o.format < 1 {
		return nil, fmt.Errorf("otalink: offer: format %d", o.format)
	}
	if !poslink.ValidBundleID(o.Bundle) || o.Size <= 0 || o.Size > poslink.MaxBundleSize || o.Version == "" || len(o.Version) > 32 {
		return nil, errors.New("otalink: offer: invalid record")
	}
	if len(m) > 0 {
		o.rest = m
	}
	return &o, nil
}

// marshal is o in the file's form: format the newer of the one read and
// offerFormat, members read but unknown kept.
func (o *offerRecord) marshal() []byte {
	m := map[string]any{"format": max(o.format, offerFormat)}
	for k, v := range o.rest {
		m[k] = v
	}
	m["bundle"], m["size"], m["version"] = o.Bundle, o.Size, o.Version
	if o.Installing {
		m["installing"] = true
	}
	b, _ := json.Marshal(m) // strings, ints, bools and raw JSON: cannot fail
	return b
}

// writeOffer stores o in dir atomically (internal/atomicfile); nil
// removes the record.
func writeOffer(dir string, o *offerRecord) error {
	path := filepath.Join(dir, offerFile)
	if o == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("otalink: offer: %w", err)
		}
		if err := atomicfile.SyncDir(dir); err != nil {
			return fmt.Errorf("otalink: offer: %w", err)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	if err := atomicfile.WriteFile(path, o.marshal(), 0o600); err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	return nil
}
