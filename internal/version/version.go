// Package version is the firmware's release version, one line in the
// VERSION file next to this source so a release changes data, not code.
// OTA bundles (update/) carry it, the terminal reports it to the POS, and
// the POS refuses to pair with a version it does not support.
package version

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var file string

// Firmware is the running firmware's version, "MAJOR.MINOR.PATCH".
func Firmware() string { return strings.TrimSpace(file) }
