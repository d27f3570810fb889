package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNotProvisionedServesNoLink: a terminal whose configuration is
// unusable shows "not provisioned" with the reason, logs it, and does
// not listen on its nexo address.
func TestNotProvisionedServesNoLink(t *testing.T) {
	cfg := provision("sim", "/data/payterm.json", config{}, errors.New("config: read /data/payterm.json: input/output error"))
	cfg.DataDir = filepath.Join(t.TempDir(), "terminal")
	cfg.HTTPS = freeAddr(t)
	cfg.Web = freeAddr(t)
	cfg.Serial = "-"
	var logs lockedWriter
	logs.w = &bytes.Buffer{}
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runTerminal(ctx, cfg, log) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stopped with %v", err)
		}
	}()

	var st simStateJSON
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + cfg.Web + "/sim/state")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
			if err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no virtual terminal: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.Screen != "not-provisioned" || !strings.Contains(st.Message, "input/output error") {
		t.Fatalf("screen %q, message %q", st.Screen, st.Message)
	}
	if c, err := net.Dial("tcp", cfg.HTTPS); err == nil {
		c.Close()
		t.Fatal("the nexo link listens on a terminal that is not provisioned")
	}
	if l := logs.String(); !strings.Contains(l, "not provisioned") || !strings.Contains(l, "input/output error") {
		t.Fatalf("the log does not say why:\n%s", l)
	}
}
