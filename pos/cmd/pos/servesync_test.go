package main

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/firmware/otalink"
	"payterm/firmware/otalink/otalinktest"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
	"payterm/internal/version"
	"payterm/update/bundle/bundletest"
)

// updatingTerminal is terminal() with an update receiver whose sink
// opens only when gate is closed; offered is closed when the POS's offer
// reaches it.
func updatingTerminal(t *testing.T, want [32]byte, gate <-chan struct{}) (url, caFile string, offered <-chan struct{}, store *otalinktest.Store) {
	t.Helper()
	links, err := poslink.OpenStore(filepath.Join(t.TempDir(), "s.db"), poslink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { links.Close() })
	store = &otalinktest.Store{Dir: t.TempDir(), Want: want, Version: "9.9.9"}
	off := make(chan struct{})
	var once sync.Once
	recv, err := otalink.New(otalink.Config{Version: version.Firmware(), StateDir: t.TempDir(),
		Open: func(bundle string, size int64) (otalink.Sink, error) {
			once.Do(func() { close(off) })
			<-gate
			return store.Open(bundle, size)
		}})
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := poslink.NewKeys(poslink.SecurityKey{KeyIdentifier: "payterm-dev", KeyVersion: 1, Passphrase: "payterm-dev-passphrase"})
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys, Identity: devIdentity{}, Version: version.Firmware(), Updater: recv},
		&poslinktest.Terminal{}, links, nil)
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o644)
	return ts.URL + "/nexo", caFile, off, store
}

// TestServeUpdatesTerminal: pos serve -bundle offers this release's
// terminal bundle to an older terminal in the background. A sale is
// paid while the transfer is held up at the terminal; then the transfer
// finishes, its progress and outcome in the output.
func TestServeUpdatesTerminal(t *testing.T) {
	path, sum, _ := bundletest.Write(t, "9.9.9", 256<<10, "sim")
	gate := make(chan struct{})
	url, ca, offered, store := updatingTerminal(t, sum, gate)
	base, out := startServe(t, "serve", "-terminal", url, "-ca", ca, "-mode", "direct", "-listen", "127.0.0.1:0",
		"-pairing", filepath.Join(t.TempDir(), "p.json"), "-bundle", path)
	select {
	case <-offered:
	case <-time.After(10 * time.Second):
		t.Fatalf("the bundle was not offered:\n%s", out.String())
	}

	js, _ := os.ReadFile("../../sample-order.json")
	resp, err := http.Post(base+"/orders", "application/json", strings.NewReader(string(js)))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /orders: %v %v", resp, err)
	}
	waitStage(t, base, "paid")
	if strings.Contains(out.String(), "terminal verified") {
		t.Fatal("the transfer ended while the terminal held it")
	}

	close(gate)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "terminal verified 9.9.9"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no transfer:\n%s", out.String())
		}
	}
	for _, want := range []string{"terminal update: offering 9.9.9", "100%"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if store.Written() < 256<<10 {
		t.Errorf("terminal took %d bytes of the bundle", store.Written())
	}
}
