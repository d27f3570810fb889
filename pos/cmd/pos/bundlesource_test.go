package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/update/bundle/bundletest"
)

// TestUpdateFromURL: pos update -bundle http://127.0.0.1:…/x.bundle
// downloads the bundle into -bundle-cache, checks its signature with
// -bundle-key and sends it to an older terminal; a bundle that fails the
// key is refused before it is offered.
func TestUpdateFromURL(t *testing.T) {
	path, sum, _ := bundletest.Write(t, "9.9.9", 64<<10, "sim")
	body, _ := os.ReadFile(path)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"a"`)
		http.ServeContent(w, r, "x.bundle", time.Time{}, bytes.NewReader(body))
	}))
	defer origin.Close()
	keyFile := filepath.Join(t.TempDir(), "release.pub")
	pkix, _ := x509.MarshalPKIXPublicKey(bundletest.Key().Public().(ed25519.PublicKey))
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}), 0o644)
	otherKey := filepath.Join(t.TempDir(), "other.pub")
	os.WriteFile(otherKey, []byte(strings.Repeat("ab", 32)), 0o644)

	gate := make(chan struct{})
	close(gate)
	url, ca, _, store := updatingTerminal(t, sum, gate)
	cache := t.TempDir()
	args := []string{"update", "-terminal", url, "-ca", ca, "-bundle", origin.URL + "/releases/x.bundle", "-bundle-cache", cache}

	var out bytes.Buffer
	err := run(t.Context(), append(args, "-bundle-key", otherKey), strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Fatalf("bundle signed by an untrusted key: %v\n%s", err, out.String())
	}
	if store.Written() != 0 {
		t.Fatalf("the refused bundle reached the terminal (%d bytes)", store.Written())
	}

	out.Reset()
	if err := run(t.Context(), append(args, "-bundle-key", keyFile), strings.NewReader(""), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"bundle: downloaded to " + cache, "terminal verified 9.9.9"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if store.Written() < int64(len(body)) {
		t.Errorf("terminal took %d bytes of %d", store.Written(), len(body))
	}
}

// TestServeUpdatesFromURL: pos serve -bundle URL downloads the bundle in
// the background and offers it to an older terminal.
func TestServeUpdatesFromURL(t *testing.T) {
	path, sum, _ := bundletest.Write(t, "9.9.9", 64<<10, "sim")
	body, _ := os.ReadFile(path)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "x.bundle", time.Time{}, bytes.NewReader(body))
	}))
	defer origin.Close()
	gate := make(chan struct{})
	close(gate)
	url, ca, _, store := updatingTerminal(t, sum, gate)
	_, out := startServe(t, "serve", "-terminal", url, "-ca", ca, "-mode", "direct", "-listen", "127.0.0.1:0",
		"-pairing", filepath.Join(t.TempDir(), "p.json"), "-bundle", origin.URL+"/x.bundle", "-bundle-cache", t.TempDir())
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(out.String(), "terminal verified 9.9.9"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no transfer:\n%s", out.String())
		}
	}
	if !strings.Contains(out.String(), "bundle: downloaded to ") {
		t.Errorf("no download reported:\n%s", out.String())
	}
	if store.Written() < int64(len(body)) {
		t.Errorf("terminal took %d bytes of %d", store.Written(), len(body))
	}
}
