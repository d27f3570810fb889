package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// terminalProc is the firmware running as a subprocess on board sim, with
// its own data directory and loopback ports, killed and restarted by the
// test. Safe for concurrent use.
type terminalProc struct {
	t       *testing.T
	cfgPath string
	logPath string
	HTTPS   string // host:port of the nexo link (behind the POS proxy)
	Web     string // http://host:port of the virtual terminal page
	hc      *http.Client

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
	boots  int
	kills  int
	// seen are the result screens read from /sim/state, per boot, so a
	// screen shown before a kill is not forgotten with the process.
	seen map[resultKey]shownResult
}

type resultKey struct {
	boot int
	seq  uint64
}

// shownResult is one entry of /sim/state's results.
type shownResult struct {
	Seq       uint64 `json:"seq"`
	OrderHash string `json:"order_hash"`
	OrderID   string `json:"order_id"`
	Screen    string `json:"screen"`
	Message   string `json:"message"`
}

// simState is /sim/state as the test reads it.
type simState struct {
	Phase        string `json:"phase"`
	Screen       string `json:"screen"`
	OrderHash    string `json:"order_hash"`
	ScannerArmed bool   `json:"scanner_armed"`
	Buttons      []struct {
		Action string `json:"action"`
		Rect   struct{ X, Y, W, H int }
	} `json:"buttons"`
	Results []shownResult `json:"results"`
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// newTerminal writes the configuration (payment host at payHost) and
// starts the terminal.
func newTerminal(t *testing.T, payHost string) *terminalProc {
	dir := t.TempDir()
	tp := &terminalProc{t: t, cfgPath: filepath.Join(dir, "payterm.json"), logPath: filepath.Join(dir, "terminal.log"),
		HTTPS: freePort(t), hc: &http.Client{Timeout: 3 * time.Second}, seen: map[resultKey]shownResult{}}
	web := freePort(t)
	tp.Web = "http://" + web
	// Timeouts cannot be configured (checkout.Config is built in serve.go
	// with the defaults), so the test never waits for one: it ends stuck
	// sessions with an Abort or a restart.
	cfg := map[string]any{"board": "sim", "data_dir": filepath.Join(dir, "data"), "https": tp.HTTPS, "web": web,
		"serial": "-", "payhost": payHost, "modes": []string{"relay", "direct"}}
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(tp.cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tp.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tp.stop)
	return tp
}

// start runs the binary and waits until the page and the link answer.
func (tp *terminalProc) start() error {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.startLocked()
}

func (tp *terminalProc) startLocked() error {
	logf, err := os.OpenFile(tp.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	tp.boots++
	fmt.Fprintf(logf, "=== boot %d\n", tp.boots)
	cmd := exec.Command(firmwareBin, "-config", tp.cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start terminal: %w", err)
	}
	logf.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	tp.cmd, tp.exited = cmd, exited
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("terminal exited at start (log %s)", tp.logPath)
		default:
		}
		if c, err := net.DialTimeout("tcp", tp.HTTPS, time.Second); err == nil {
			c.Close()
			if resp, err := tp.hc.Get(tp.Web + "/sim/state"); err == nil {
				resp.Body.Close()
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("terminal not ready after 10 s (log %s)", tp.logPath)
}

// crash reads the screens shown so far, SIGKILLs the terminal and starts
// it again on the same data directory.
func (tp *terminalProc) crash() error {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	tp.collectLocked()
	tp.kills++
	tp.cmd.Process.Signal(syscall.SIGKILL)
	<-tp.exited
	return tp.startLocked()
}

// ensureUp restarts a terminal that died on its own; reports whether it
// had to.
func (tp *terminalProc) ensureUp() (bool, error) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	select {
	case <-tp.exited:
		return true, tp.startLocked()
	default:
		return false, nil
	}
}

func (tp *terminalProc) stop() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.cmd == nil {
		return
	}
	tp.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-tp.exited:
	case <-time.After(5 * time.Second):
		tp.cmd.Process.Kill()
		<-tp.exited
	}
}

// state reads /sim/state and remembers its result screens.
func (tp *terminalProc) state() (simState, error) {
	var st simState
	resp, err := tp.hc.Get(tp.Web + "/sim/state")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, err
	}
	tp.mu.Lock()
	tp.remember(st.Results)
	tp.mu.Unlock()
	return st, nil
}

// collectLocked reads the result screens of the running process (before a
// kill).
func (tp *terminalProc) collectLocked() {
	resp, err := tp.hc.Get(tp.Web + "/sim/state")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var st simState
	if json.NewDecoder(resp.Body).Decode(&st) == nil {
		tp.remember(st.Results)
	}
}

func (tp *terminalProc) remember(rs []shownResult) {
	for _, r := range rs {
		tp.seen[resultKey{tp.boots, r.Seq}] = r
	}
}

// screensFor lists the result screens ever seen for an order hash, in the
// order they were shown.
func (tp *terminalProc) screensFor(hash string) []string {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	type kv struct {
		k resultKey
		s string
	}
	var all []kv
	for k, r := range tp.seen {
		if r.OrderHash == hash {
			all = append(all, kv{k, r.Screen})
		}
	}
	for i := 1; i < len(all); i++ { // few entries: insertion sort by (boot, seq)
		for j := i; j > 0 && (all[j].k.boot < all[j-1].k.boot || all[j].k.boot == all[j-1].k.boot && all[j].k.seq < all[j-1].k.seq); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	out := make([]string, len(all))
	for i, a := range all {
		out[i] = a.s
	}
	return out
}

// tap touches the centre of the first button with action; false when
// there is none on screen.
func (tp *terminalProc) tap(ctx context.Context, st simState, action string) bool {
	for _, b := range st.Buttons {
		if b.Action == action {
			body, _ := json.Marshal(map[string]int{"x": b.Rect.X + b.Rect.W/2, "y": b.Rect.Y + b.Rect.H/2})
			return tp.post(ctx, "/sim/touch", body) == nil
		}
	}
	return false
}

// scan presents a code at the scanner window.
func (tp *terminalProc) scan(ctx context.Context, code string) error {
	body, _ := json.Marshal(map[string]string{"code": code})
	return tp.post(ctx, "/sim/scan", body)
}

func (tp *terminalProc) post(ctx context.Context, path string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tp.Web+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := tp.hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

func (tp *terminalProc) counts() (boots, kills int) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.boots, tp.kills
}

// logTail is the end of the terminal's log, for failure reports.
func (tp *terminalProc) logTail(n int) string {
	b, _ := os.ReadFile(tp.logPath)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// logCount counts the terminal log's lines (all boots) holding text.
func (tp *terminalProc) logCount(text string) int {
	b, _ := os.ReadFile(tp.logPath)
	return strings.Count(string(b), text)
}
