package main

import (
	"os"
	"testing"

	"payterm/firmware/document"
)

// TestMain lets this test binary be the PDF renderer the terminals under
// test start (document.SelfRenderer runs the current executable).
func TestMain(m *testing.M) {
	document.ExitIfRenderer()
	os.Exit(m.Run())
}
