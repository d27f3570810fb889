package version

import (
	"regexp"
	"testing"
)

func TestFirmwareIsSemver(t *testing.T) {
	if v := Firmware(); !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("VERSION holds %q, want MAJOR.MINOR.PATCH", v)
	}
}
