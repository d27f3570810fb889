package otalink

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"payterm/firmware/poslink"
)

// offerFile keeps the bundle being received beside the sink's state.
const offerFile = "offer.json"

// maxOfferFile bounds what readOffer reads.
const maxOfferFile = 4096

// offerRecord is offer.json: the bundle the sink's state belongs to.
type offerRecord struct {
	Bundle  string `json:"bundle"`
	Size    int64  `json:"size"`
	Version string `json:"version"`
	// Installing is set just before the slot switch: at the next start,
	// a running version other than Version means it did not come up.
	Installing bool `json:"installing,omitempty"`
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

// parseOffer decodes and checks an offer record.
func parseOffer(b []byte) (*offerRecord, error) {
	if len(b) > maxOfferFile {
		return nil, fmt.Errorf("otalink: offer: over %d bytes", maxOfferFile)
	}
	var o offerRecord
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("otalink: offer: %w", err)
	}
	if !poslink.ValidBundleID(o.Bundle) || o.Size <= 0 || o.Size > poslink.MaxBundleSize || o.Version == "" || len(o.Version) > 32 {
		return nil, errors.New("otalink: offer: invalid record")
	}
	return &o, nil
}

// writeOffer stores o in dir atomically (synced temporary file renamed
// into place, directory synced); nil removes the record.
func writeOffer(dir string, o *offerRecord) error {
	path := filepath.Join(dir, offerFile)
	if o == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("otalink: offer: %w", err)
		}
		return syncDir(dir)
	}
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".offer-*")
	if err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("otalink: offer: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("otalink: offer: sync %s: %w", dir, err)
	}
	return nil
}
