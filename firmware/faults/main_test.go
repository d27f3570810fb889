package faults

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// firmwareBin is the terminal binary built once by TestMain; "" when the
// fault test is not enabled.
var firmwareBin string

// enabled says whether the fault-injection run is on: always but with
// -short (it takes minutes) or PAYTERM_FAULTS=0.
func enabled() bool { return os.Getenv("PAYTERM_FAULTS") != "0" && !testing.Short() }

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		if enabled() {
			dir, err := os.MkdirTemp("", "payterm-faults-bin")
			if err != nil {
				fmt.Fprintln(os.Stderr, "faults:", err)
				return 1
			}
			defer os.RemoveAll(dir)
			firmwareBin = filepath.Join(dir, "payterm")
			cmd := exec.Command("go", "build", "-o", firmwareBin, "payterm/firmware")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				fmt.Fprintln(os.Stderr, "faults: build firmware:", err)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}
