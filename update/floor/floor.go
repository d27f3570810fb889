// Package floor keeps a terminal's minimum-version floor (issue 7): the
// highest min_version of a release COMMITTED on it, which the installer
// refuses to go below (install.Config.Floor). A release's min_version is
// recorded as pending when its slot is staged, and becomes the floor only
// when that slot, running that version, is marked good: a release that
// rolls back never raises it.
//
// The record lives on the data partition, not in the boot state: the
// boot script that saves the boot state keeps only the variables it
// knows, and after a fallback an older slot's script may be the one
// running. The firmware of every slot reads the same file.
//
// # Format
//
// floor.json, replaced atomically:
//
//	{"format":1,"floor":"1.2.0","pending":{"slot":"B","version":"1.3.0","min_version":"1.3.0"}}
//
// "format" is the newest format that wrote the file. A format adds
// members and never changes the meaning of one: "floor" and "pending"
// mean the same in every format, so older firmware (after a rollback)
// still reads them from a newer file, and carries the members it does not
// know through its own writes. A change that cannot be made so takes a
// new file name. A missing file is format 0: no floor.
package floor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"payterm/internal/atomicfile"
	"payterm/update/manifest"
)

// File is the record's name in its directory.
const File = "floor.json"

// Format is the format this package writes.
const Format = 1

// Pending is a staged release whose min_version becomes the floor when
// its slot is marked good running Version.
type Pending struct {
	Slot       string `json:"slot"` // "A" or "B"
	Version    string `json:"version"`
	MinVersion string `json:"min_version"`
}

// Record is the floor and the release staged, if any. The zero value is
// a terminal without a floor.
type Record struct {
	// Floor is the highest min_version committed ("" none).
	Floor   string
	Pending *Pending
	// format and rest are what was read: the file's format and the
	// members this package does not know, written back unchanged.
	format int
	rest   map[string]json.RawMessage
}

// Stage records that slot now holds version, whose release sets
// minVersion (""; none): replaces any earlier pending release.
func (r Record) Stage(slot, version, minVersion string) Record {
	r.Pending = nil
	if minVersion != "" {
		r.Pending = &Pending{Slot: slot, Version: version, MinVersion: minVersion}
	}
	return r
}

// Commit is r after slot was marked good running version: the pending
// release's min_version raises the floor when it is that slot and
// version (never lowers it), and the pending record for slot is
// dropped either way. raised says the floor changed.
func (r Record) Commit(slot, version string) (next Record, raised bool, err error) {
	p := r.Pending
	if p == nil || p.Slot != slot {
		return r, false, nil
	}
	r.Pending = nil
	if p.Version != version {
		return r, false, nil
	}
	c, err := manifest.CompareVersions(p.MinVersion, or(r.Floor, p.MinVersion))
	switch {
	case err != nil:
		return r, false, fmt.Errorf("floor: pending min_version: %w", err)
	case c < 0 || c == 0 && r.Floor != "":
		return r, false, nil
	}
	r.Floor = p.MinVersion
	return r, true, nil
}

// ErrCorrupt: the file exists but is not a floor record.
var ErrCorrupt = errors.New("floor record corrupt")

// Parse reads a record in any format (see the package doc).
func Parse(b []byte) (Record, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		return Record{}, fmt.Errorf("floor: %w", ErrCorrupt)
	}
	var r Record
	for name, dst := range map[string]any{"format": &r.format, "floor": &r.Floor, "pending": &r.Pending} {
		if v, ok := m[name]; ok {
			if err := json.Unmarshal(v, dst); err != nil {
				return Record{}, fmt.Errorf("floor: %s: %w", name, ErrCorrupt)
			}
			delete(m, name)
		}
	}
	if r.format < 1 {
		return Record{}, fmt.Errorf("floor: format %d: %w", r.format, ErrCorrupt)
	}
	if r.Floor != "" {
		if _, err := manifest.CompareVersions(r.Floor, r.Floor); err != nil { // a version at all
			return Record{}, fmt.Errorf("floor: %w: %w", ErrCorrupt, err)
		}
	}
	if len(m) > 0 {
		r.rest = m
	}
	return r, nil
}

// Marshal is r in the file's form: format is the newer of the one read
// and Format; members read but unknown are kept.
func (r Record) Marshal() []byte {
	m := map[string]any{"format": max(r.format, Format)}
	for k, v := range r.rest {
		m[k] = v
	}
	if r.Floor != "" {
		m["floor"] = r.Floor
	}
	if r.Pending != nil {
		m["pending"] = r.Pending
	}
	b, _ := json.Marshal(m) // strings, ints and raw JSON: cannot fail
	return b
}

// Load reads dir's record: the zero Record when there is none; an error
// wrapping ErrCorrupt when it cannot be read as one (the caller decides
// what floor to assume).
func Load(dir string) (Record, error) {
	b, err := os.ReadFile(filepath.Join(dir, File))
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, nil
	}
	if err != nil {
		return Record{}, fmt.Errorf("floor: %w", err)
	}
	return Parse(b)
}

// Save replaces dir's record atomically (creating dir).
func Save(dir string, r Record) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, File), r.Marshal(), 0o600); err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	return nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
