package main

import (
	"os"
	"testing"
)

// TestMain keeps the tests' default pairing files (pos send and demo pair
// on first use) out of the user's config directory.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pos-test-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
