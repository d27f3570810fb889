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

// stamp, when set at link time (go build -ldflags
// "-X payterm/internal/version.stamp=1.2.3"), stands in for VERSION: a
// test build of another release from the same tree (the OTA system
// tests boot two).
var stamp string

// Firmware is the running firmware's version, "MAJOR.MINOR.PATCH".
func Firmware() string {
	if stamp != "" {
		return stamp
	}
	return strings.TrimSpace(file)
}
