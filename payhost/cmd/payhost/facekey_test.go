package main

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"payterm/payhost"
	"payterm/payhost/facerec"
	"payterm/payhost/facerec/facerectest"
	"payterm/payhost/sandbox"
)

// TestRunFaceKey: -face-key-create makes the key file once; the host
// serves its public half and keeps it across restarts.
func TestRunFaceKey(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the face-recognition model: skipped with -short")
	}
	model := facerec.DefaultModelDir(facerectest.RepoRoot())
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "dev-face-key")
	served := func() string {
		_, addr, stop := startRun(t, filepath.Join(dir, "payhost.db"), "-face-key", keyPath, "-face-key-create", "-face-model", model)
		defer stop()
		resp, err := http.Get("http://" + addr + "/v1/face-key")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var k sandbox.FaceKeyAnswer
		if err := json.NewDecoder(resp.Body).Decode(&k); err != nil || k.KEM != "X25519" {
			t.Fatalf("face key: %+v %v", k, err)
		}
		return k.PublicKey
	}
	first := served()
	raw, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := hex.DecodeString(strings.TrimSpace(string(raw)))
	key, err := payhost.ParseFaceKey(b)
	if err != nil || hex.EncodeToString(key.Public()) != first {
		t.Fatalf("key file does not hold the served key: %v", err)
	}
	if st, _ := os.Stat(keyPath); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode())
	}
	if again := served(); again != first {
		t.Error("a restart made a new key")
	}
}

func TestRunRefusesBadFaceSetup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "payhost.db")
	bad := filepath.Join(dir, "bad-key")
	os.WriteFile(bad, []byte("zz\n"), 0o600)
	for _, args := range [][]string{
		{"-db", db, "-face-key", filepath.Join(dir, "absent")}, // no -face-key-create
		{"-db", db, "-face-key", bad},
		{"-db", db, "-face-key", filepath.Join(dir, "new"), "-face-key-create", "-face-model", filepath.Join(dir, "no-model")},
	} {
		if err := run(t.Context(), args, io.Discard, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
