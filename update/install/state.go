package install

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"payterm/internal/atomicfile"

	"payterm/update/bundle"
)

// The resume state in StateDir: the verified manifest file, written once
// before the first byte reaches the slot, and the position after the last
// frame synced to the slot with the SHA-256 state of the artefact in
// progress.
const (
	manifestFile = "update.manifest"
	stateFile    = "update.state"
)

// stateFormat is the resume state's format. A state without one is
// format 1 (written before formats were numbered: the same members). A
// newer format is not resumed: its position may mean something else, and
// starting over from byte 0 is always safe.
const stateFormat = 1

type state struct {
	Format         int             `json:"format,omitempty"`
	Bundle         string          `json:"bundle"`
	ManifestSHA256 string          `json:"manifest_sha256"`
	Pos            bundle.Position `json:"pos"`
	// Hash is the artefact in progress's sha256 state
	// (MarshalBinary); empty at an artefact's start.
	Hash []byte `json:"hash,omitempty"`
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// loadState reads the saved state and manifest; ok is false when there
// is none or it is unusable (then it is as if there were none).
func loadState(dir string) (st state, mfile []byte, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, nil, false, nil
	}
	if err != nil {
		return state{}, nil, false, fmt.Errorf("install: state: %w", err)
	}
	if json.Unmarshal(b, &st) != nil || st.Format > stateFormat {
		return state{}, nil, false, nil
	}
	mfile, err = os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil || sum(mfile) != st.ManifestSHA256 {
		return state{}, nil, false, nil
	}
	return st, mfile, true, nil
}

// clearState removes the state, state file first so a cut in between
// leaves no state pointing at a missing manifest.
func clearState(dir string) error {
	for _, n := range []string{stateFile, manifestFile} {
		if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("install: state: %w", err)
		}
	}
	return syncDir(dir)
}

func saveState(dir string, st state) error {
	st.Format = stateFormat
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("install: state: %w", err)
	}
	return writeAtomic(dir, stateFile, b)
}

// writeAtomic replaces dir/name with data so that a power cut leaves the
// old file or the new one (internal/atomicfile).
func writeAtomic(dir, name string, data []byte) error {
	if err := atomicfile.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		return fmt.Errorf("install: state: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("install: state: %w", err)
	}
	return nil
}
