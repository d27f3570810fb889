package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/poslink"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
	"payterm/pos"
)

// Link load budget (issue 6): a payment goes through beside this many
// idle and half-sent connections, within this resident memory.
const (
	loadIdleConns = 200
	loadHalfConns = 200
	// What the crowd and one payment may add to the resident memory at
	// start; the start itself grows with the binary (MuPDF, face models).
	loadRSSGrowthBudget = 20 << 20 // bytes
)

// TestSystemLinkUnderIdleAndHalfSentConnections runs the firmware binary
// on board sim, opens 200 idle TLS connections and 200 that sent their
// headers and one byte of a promised body, and then pays a direct
// payment through the link with the customer on the virtual terminal
// page. No request gets a 503 (half-sent bodies hold no in-flight slot),
// the payment is approved, and the terminal's VmRSS stays within 48 MB.
func TestSystemLinkUnderIdleAndHalfSentConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the firmware binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads VmRSS from /proc")
	}
	if out, err := exec.Command("go", "env", "GOHOSTARCH").Output(); err != nil || strings.TrimSpace(string(out)) != runtime.GOARCH {
		t.Skip("runs a host binary; this test binary is cross-built")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "payterm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	host := sandboxtest.StartLive(t, sandbox.Options{})
	host.RegisterTerminal(t, devPOIID, attest.DevKey().Public().(ed25519.PublicKey))
	cfg := defaultConfig()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.HTTPS, cfg.Web, cfg.Serial, cfg.PayHost = freeAddr(t), freeAddr(t), "-", host.Server.URL
	// Longer than the test takes to open its connections, so that they
	// are all held while the payment runs and memory is measured.
	cfg.LinkReadTimeout = "40s"
	cfgFile := filepath.Join(dir, "payterm.json")
	b, _ := json.Marshal(map[string]any{
		"board": cfg.Board, "data_dir": cfg.DataDir, "https": cfg.HTTPS, "web": cfg.Web, "serial": cfg.Serial,
		"payhost": cfg.PayHost, "link_read_timeout": cfg.LinkReadTimeout,
	})
	if err := os.WriteFile(cfgFile, b, 0o600); err != nil {
		t.Fatal(err)
	}

	logs := &lockedWriter{w: &bytes.Buffer{}}
	cmd := exec.Command(bin, "-config", cfgFile)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// exited closes when the process has gone; s.done gets its error,
	// for waitReady.
	exited := make(chan struct{})
	doneErr := make(chan error, 1)
	go func() { doneErr <- cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Error("terminal did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Logf("terminal log:\n%s", logs.String())
		}
	})
	s := &system{t: t, cfg: cfg, Web: "http://" + cfg.Web, Nexo: "https://" + cfg.HTTPS + "/nexo", Host: host,
		done: doneErr, hc: &http.Client{Timeout: 10 * time.Second}, Log: logs,
		admin: &sandbox.AdminClient{Base: host.Server.URL}}
	s.waitReady()
	before := vmRSS(t, cmd.Process.Pid)
	defer func() {
		if t.Failed() { // where the memory went
			b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", cmd.Process.Pid))
			t.Logf("terminal smaps_rollup:\n%s", b)
		}
	}()

	// The crowd: idle connections (TLS done, nothing sent) and half-sent
	// requests (headers and one byte of a 4 KiB body).
	conns := make([]net.Conn, loadIdleConns+loadHalfConns) // idle first, then half-sent
	t.Cleanup(func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	})
	open := func(i int) error {
		c, err := tls.Dial("tcp", cfg.HTTPS, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			return err
		}
		conns[i] = c
		if i >= loadIdleConns {
			_, err = fmt.Fprintf(c, "POST /nexo HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{", cfg.HTTPS)
		}
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, loadIdleConns+loadHalfConns)
	sem := make(chan struct{}, 16)
	for i := range loadIdleConns + loadHalfConns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := open(i); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("opening the connections: %v", err)
	}

	// Every request through the link is counted; a 503 is the link
	// saying "busy".
	var requests, busy atomic.Int64
	https := poslink.NewHTTPSTransport(s.Nexo, nil, true)
	counted := func(ctx context.Context, req []byte) ([]byte, error) {
		requests.Add(1)
		b, err := https(ctx, req)
		if err != nil && strings.Contains(err.Error(), "503") {
			busy.Add(1)
		}
		return b, err
	}
	agent := s.AgentOn(counted)
	cashier := s.Client(counted, nil)
	for i := range 5 {
		if _, err := cashier.TransactionStatus(context.Background(), "POS-LOAD", fmt.Sprint("status-", i), poslink.MessageReference{}); err != nil {
			t.Errorf("TransactionStatus beside the crowd: %v", err)
		}
	}
	held := vmRSS(t, cmd.Process.Pid)

	const balance = 50000
	cust := s.Customer(balance)
	o, err := pos.SampleOrder("T-LOAD-1")
	if err != nil {
		t.Fatal(err)
	}
	done := payAsync(t, agent, o, pos.Direct)
	s.WaitScreen("order")
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	s.Scan(s.Code(cust.ID), http.StatusOK)
	out := waitPay(t, done)
	after := vmRSS(t, cmd.Process.Pid)
	peak := max(held, after)
	t.Logf("terminal VmRSS: %.1f MB at start, %.1f MB with %d idle and %d half-sent connections, %.1f MB after the payment (growth budget %d MB); %d requests, %d answered 503",
		mb(before), mb(held), loadIdleConns, loadHalfConns, mb(after), loadRSSGrowthBudget>>20, requests.Load(), busy.Load())
	if !out.Paid || out.Reference == "" {
		t.Fatalf("payment beside the crowd: %+v", out)
	}
	if got, want := s.Balance(cust.ID), int64(balance)-o.Total; got != want {
		t.Fatalf("balance %d, want %d", got, want)
	}
	if n := busy.Load(); n != 0 {
		t.Fatalf("%d of %d requests answered 503 busy beside idle and half-sent connections", n, requests.Load())
	}
	if peak-before > loadRSSGrowthBudget {
		t.Fatalf("terminal VmRSS grew %.1f MB (to %.1f MB), budget %d MB", mb(peak-before), mb(peak), loadRSSGrowthBudget>>20)
	}
	// The crowd was still there: the connections were not yet timed out
	// when the payment went through.
	if open := stillOpen(conns); open < len(conns)*9/10 {
		t.Fatalf("only %d of %d connections still open: the test measured too late", open, len(conns))
	}
}

// vmRSS reads a process's resident set size in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// stillOpen counts the connections the server has not closed: a read
// that times out at once means nothing arrived and nothing ended.
func stillOpen(conns []net.Conn) int {
	n := 0
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		_, err := c.Read(b[:])
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			n++
		}
	}
	return n
}
