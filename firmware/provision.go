package main

import (
	"errors"
	"fmt"
	"os"
)

// The terminal fails closed: on a real board (any but sim) it serves the
// POS link only with keys of its own, read from a valid configuration.
// A missing, unreadable or invalid file, or one without link keys or a
// terminal_key, leaves it "not provisioned": the screen says why, the
// log says why, the link does not listen, and no dev key is loaded. The
// public dev keys are used only on board sim or with "dev": true.

// devAllowed reports whether the public dev keys may be used.
func (c config) devAllowed() bool { return c.Board == "sim" || c.Dev }

// provision is the configuration the terminal runs with on board, given
// what reading the file at path gave (c, err as loadConfigFile returns
// them): the file's, with the dev link key added where dev keys are
// allowed and the file names none; or, when the file cannot be used,
// the defaults marked unusable (notProvisioned says why). A missing file
// is fine on board sim only.
func provision(board, path string, c config, err error) config {
	switch {
	case err == nil:
	case errors.Is(err, os.ErrNotExist):
		c = defaultConfig()
		c.Keys = nil
		if board != "sim" {
			c.unusable = fmt.Sprintf("configuration %s is missing", path)
		}
	default:
		c = defaultConfig()
		c.Keys = nil
		c.unusable = fmt.Sprintf("configuration %s is unusable: %v", path, err)
	}
	c.Board = board
	return c.withDevKeys()
}

// withDevKeys adds the dev link key when the configuration names none
// and dev keys are allowed, and never otherwise.
func (c config) withDevKeys() config {
	if len(c.Keys) == 0 && c.devAllowed() && c.unusable == "" {
		c.Keys = []keyConfig{{ID: devKeyID, Version: devKeyVersion, Passphrase: devPassphrase}}
	}
	return c
}

// notProvisioned is "" when the configuration lets the terminal serve
// the POS link with keys it may use, else why not, for the screen, the
// log and the banner.
func (c config) notProvisioned() string {
	if c.unusable != "" {
		return c.unusable
	}
	if len(c.Keys) == 0 {
		return "the configuration has no link keys"
	}
	if !c.devAllowed() {
		for _, k := range c.Keys {
			if k.Passphrase == devPassphrase {
				return fmt.Sprintf("link key %s v%d uses the public dev passphrase", k.ID, k.Version)
			}
		}
	}
	if _, err := c.terminalKey(); err != nil {
		return err.Error()
	}
	return ""
}
