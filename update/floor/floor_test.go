package floor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestStageCommit(t *testing.T) {
	for _, tc := range []struct {
		name          string
		r             Record
		slot, version string // marked good
		floor         string
		raised        bool
		pending       bool // still pending after
	}{
		{"committed release raises", Record{}.Stage("B", "1.3.0", "1.2.0"), "B", "1.3.0", "1.2.0", true, false},
		{"never lowers", Record{Floor: "1.4"}.Stage("B", "1.5.0", "1.2.0"), "B", "1.5.0", "1.4", false, false},
		{"equal: unchanged", Record{Floor: "1.2.0"}.Stage("B", "1.5.0", "1.2"), "B", "1.5.0", "1.2.0", false, false},
		{"rolled back: the old slot commits, floor stays", Record{Floor: "1.0"}.Stage("B", "1.3.0", "1.3.0"), "A", "1.2.0", "1.0", false, true},
		{"slot holds another version: dropped", Record{}.Stage("B", "1.3.0", "1.3.0"), "B", "1.2.9", "", false, false},
		{"release without min_version", Record{Floor: "1.0"}.Stage("B", "1.3.0", ""), "B", "1.3.0", "1.0", false, false},
		{"a new stage replaces the old", Record{}.Stage("B", "1.3.0", "1.3.0").Stage("A", "1.4.0", "1.1"), "A", "1.4.0", "1.1", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, raised, err := tc.r.Commit(tc.slot, tc.version)
			if err != nil {
				t.Fatal(err)
			}
			if got.Floor != tc.floor || raised != tc.raised || (got.Pending != nil) != tc.pending {
				t.Errorf("floor %q raised %v pending %+v; want %q %v pending %v", got.Floor, raised, got.Pending, tc.floor, tc.raised, tc.pending)
			}
		})
	}
	if _, _, err := (Record{}).Stage("B", "1.3.0", "x.y").Commit("B", "1.3.0"); err == nil {
		t.Error("a malformed pending min_version raised the floor")
	}
}

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "update")
	r, err := Load(dir)
	if err != nil || r.Floor != "" || r.Pending != nil {
		t.Fatalf("no file: %+v %v, want no floor", r, err)
	}
	want := Record{Floor: "1.2.0"}.Stage("B", "1.3.0", "1.3.0")
	if err := Save(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil || got.Floor != "1.2.0" || *got.Pending != *want.Pending {
		t.Fatalf("read back %+v %v", got, err)
	}
	os.WriteFile(filepath.Join(dir, File), []byte("{\"format\":1,\"floor\":"), 0o600)
	if _, err := Load(dir); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated file: %v, want ErrCorrupt", err)
	}
}

// TestFormats: both directions of a firmware change. This firmware reads
// a file a newer format wrote (a rollback after the newer release
// committed) and keeps what it does not know when it writes; a newer
// reader reads this firmware's file.
func TestFormats(t *testing.T) {
	newer := []byte(`{"format":2,"floor":"1.5.0","pending":{"slot":"A","version":"1.6.0","min_version":"1.6.0"},"history":["1.4.0","1.5.0"]}`)
	r, err := Parse(newer)
	if err != nil {
		t.Fatal(err)
	}
	if r.Floor != "1.5.0" || r.Pending == nil || r.Pending.Slot != "A" {
		t.Fatalf("newer format read as %+v", r)
	}
	// The older firmware (rolled back to) commits its own slot and stages
	// another release: the floor stays, the newer members stay.
	r, _, _ = r.Commit("B", "1.4.0")
	r = r.Stage("A", "1.5.1", "")
	back, err := Parse(r.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if back.Floor != "1.5.0" || back.format != 2 || !bytes.Contains(r.Marshal(), []byte(`"history":["1.4.0","1.5.0"]`)) {
		t.Errorf("written back as %s", r.Marshal())
	}

	for _, bad := range []string{`{}`, `{"floor":"1.0"}`, `{"format":1,"floor":7}`, `{"format":1,"floor":"one"}`, `[]`, `null`} {
		if _, err := Parse([]byte(bad)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", bad, err)
		}
	}
}
