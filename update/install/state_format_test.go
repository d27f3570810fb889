package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"payterm/update/bundle/deltatest"
)

// TestStateFormat: a resume state names its format; one without (written
// before formats were numbered) resumes, a newer one starts over.
func TestStateFormat(t *testing.T) {
	data := build(t, deltatest.SlotImage(3<<20, 8, false), buildOpts{})
	for _, tc := range []struct {
		name   string
		format any // nil: member removed
		resume bool
	}{
		{"this format", stateFormat, true},
		{"unnumbered (format 1)", nil, true},
		{"newer format", stateFormat + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, newMemSlot(slotSize), t.TempDir())
			in, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeIn(in, data[:len(data)/2], 4096); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(cfg.StateDir, stateFile)
			var m map[string]any
			b, _ := os.ReadFile(p)
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if m["format"] != float64(stateFormat) {
				t.Fatalf("state written without its format: %s", b)
			}
			if tc.format == nil {
				delete(m, "format")
			} else {
				m["format"] = tc.format
			}
			b, _ = json.Marshal(m)
			os.WriteFile(p, b, 0o600)
			in2, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := in2.Offset() == in.Offset(); got != tc.resume {
				t.Errorf("resumed %v (offset %d of %d), want %v", got, in2.Offset(), in.Offset(), tc.resume)
			}
		})
	}
}
