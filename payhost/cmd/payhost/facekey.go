package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"payterm/payhost"
)

// loadFaceKey reads the host's private face key (hex, one line) from
// path. With create, a missing file is made with a new key first
// (written to a temporary file, synced, renamed, mode 0600).
func loadFaceKey(path string, create bool) (*payhost.FaceKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		k, err := payhost.NewFaceKey()
		if err != nil {
			return nil, err
		}
		if err := writeSecret(path, []byte(hex.EncodeToString(k.Bytes())+"\n")); err != nil {
			return nil, fmt.Errorf("face key: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("face key: %w", err)
	}
	b, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("face key %s: not hex", path)
	}
	k, err := payhost.ParseFaceKey(b)
	if err != nil {
		return nil, fmt.Errorf("face key %s: %w", path, err)
	}
	return k, nil
}

func writeSecret(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".face-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
