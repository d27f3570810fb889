package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/firmware/pid1"
	"payterm/firmware/poslink"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
	"payterm/pos"
)

// system is a whole virtual terminal started in-process on loopback, with
// a sandbox payment host: what `make run` starts, for end-to-end tests.
type system struct {
	t     *testing.T
	cfg   config
	Web   string // http://127.0.0.1:port of the virtual terminal page
	Nexo  string // https://127.0.0.1:port/nexo
	Host  *sandboxtest.Env
	done  chan error
	stop  context.CancelFunc
	hc    *http.Client
	Log   *lockedWriter
	admin *sandbox.AdminClient
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSystem starts payhost and the terminal; edit adjusts the terminal's
// configuration first (serial port, TLS files, modes...).
func startSystem(t *testing.T, edit func(*config)) *system {
	t.Helper()
	return startSystemWith(t, sandbox.Options{}, edit)
}

// startSystemWith is startSystem with the payment host's options (a face
// recogniser, say).
func startSystemWith(t *testing.T, hostOpts sandbox.Options, edit func(*config)) *system {
	t.Helper()
	host := sandboxtest.StartLive(t, hostOpts)
	cfg := defaultConfig()
	cfg.DataDir = filepath.Join(t.TempDir(), "terminal")
	cfg.HTTPS = freeAddr(t)
	cfg.Web = freeAddr(t)
	cfg.Serial = "-"
	cfg.PayHost = host.Server.URL
	if edit != nil {
		edit(&cfg)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	// The payment host knows the terminal's key, as an acquirer would.
	key, err := cfg.terminalKey()
	if err != nil {
		t.Fatal(err)
	}
	host.RegisterTerminal(t, cfg.POIID, key.Public().(ed25519.PublicKey))
	logs := &lockedWriter{w: &bytes.Buffer{}}
	cfg.logRing = pid1.NewRing(0)
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logs, cfg.logRing), &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	s := &system{t: t, cfg: cfg, Web: "http://" + cfg.Web, Nexo: "https://" + cfg.HTTPS + "/nexo",
		Host: host, done: make(chan error, 1), stop: cancel, hc: &http.Client{Timeout: 10 * time.Second}, Log: logs,
		admin: &sandbox.AdminClient{Base: host.Server.URL}}
	go func() { s.done <- serve(ctx, cfg, log) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("terminal stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("terminal did not stop")
		}
		if t.Failed() {
			t.Logf("terminal log:\n%s", logs.String())
		}
	})
	s.waitReady()
	return s
}

func (s *system) waitReady() {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c1, err1 := net.Dial("tcp", s.cfg.HTTPS)
		c2, err2 := net.Dial("tcp", s.cfg.Web)
		if err1 == nil && err2 == nil {
			c1.Close()
			c2.Close()
			return
		}
		for _, c := range []net.Conn{c1, c2} {
			if c != nil {
				c.Close()
			}
		}
		select {
		case err := <-s.done:
			s.t.Fatalf("terminal exited at start: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.t.Fatal("terminal not listening after 20 s")
}

// Agent returns a POS agent on the HTTPS link with the dev key.
func (s *system) Agent() *pos.Agent {
	s.t.Helper()
	return s.AgentOn(poslink.NewHTTPSTransport(s.Nexo, nil, true))
}

// Client returns a link client on the given transport with the dev key;
// now stamps its requests (nil: time.Now).
func (s *system) Client(tr poslink.Transport, now func() time.Time) *poslink.Client {
	s.t.Helper()
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: devPOIID, Transport: tr, Now: now,
		Key: &poslink.SecurityKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: devPassphrase}})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// AgentOn returns a POS agent on the given transport with the dev key.
func (s *system) AgentOn(tr poslink.Transport) *pos.Agent {
	s.t.Helper()
	c := s.Client(tr, nil)
	n := 0
	key, _ := s.cfg.terminalKey()
	return &pos.Agent{Terminal: c, POIID: devPOIID, SaleID: "POS-TEST", Payer: s.Host.Client,
		Pairing: pos.PairingOf(devPOIID, key.Public().(ed25519.PublicKey)), Log: slog.New(slog.DiscardHandler),
		NewServiceID: func() string { n++; return fmt.Sprintf("%s-%d", strings.ReplaceAll(s.t.Name(), "/", "-"), n) }}
}

// simState is /sim/state decoded.
type simStateJSON struct {
	Phase        string `json:"phase"`
	Screen       string `json:"screen"`
	Message      string `json:"message"`
	OrderHash    string `json:"order_hash"`
	ScannerArmed bool   `json:"scanner_armed"`
	Marked       []string
	Buttons      []struct {
		Action string `json:"action"`
		Label  string `json:"label"`
		Line   string `json:"line"`
		Rect   struct{ X, Y, W, H int }
	} `json:"buttons"`
	Results []struct {
		OrderHash string `json:"order_hash"`
		Screen    string `json:"screen"`
	} `json:"results"` // result screens shown, oldest first (sim only)
}

func (s *system) State() simStateJSON {
	s.t.Helper()
	var st simStateJSON
	resp, err := s.hc.Get(s.Web + "/sim/state")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		s.t.Fatal(err)
	}
	return st
}

// WaitScreen polls /sim/state until the screen is want.
func (s *system) WaitScreen(want string) simStateJSON {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var st simStateJSON
	for time.Now().Before(deadline) {
		if st = s.State(); st.Screen == want {
			return st
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("screen %q (phase %q, message %q), waited for %q", st.Screen, st.Phase, st.Message, want)
	return st
}

// Tap touches the centre of the first on-screen button with action (and
// line, if given) through the automation API.
func (s *system) Tap(action, line string) {
	s.t.Helper()
	r, ok := s.button(action, line)
	if !ok {
		s.t.Fatalf("no %q button for line %q on screen", action, line)
	}
	s.post("/sim/touch", map[string]int{"x": r.X + r.W/2, "y": r.Y + r.H/2}, http.StatusOK)
}

// buttonRect is a button's place on the panel, in panel pixels.
type buttonRect struct{ X, Y, W, H int }

// button finds the first on-screen button with action (and line, if
// given).
func (s *system) button(action, line string) (buttonRect, bool) {
	s.t.Helper()
	for _, b := range s.State().Buttons {
		if b.Action == action && (line == "" || b.Line == line) {
			return buttonRect(b.Rect), true
		}
	}
	return buttonRect{}, false
}

// waitMarked polls /sim/state until exactly lines are marked.
func (s *system) waitMarked(lines []string) simStateJSON {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var st simStateJSON
	for time.Now().Before(deadline) {
		if st = s.State(); slices.Equal(st.Marked, lines) {
			return st
		}
		time.Sleep(30 * time.Millisecond)
	}
	s.t.Fatalf("lines %v marked (screen %q), waited for %v", st.Marked, st.Screen, lines)
	return st
}

// Screenshot reads the panel as /screen.png serves it, with its frame
// number.
func (s *system) Screenshot() (*image.RGBA, uint64) {
	s.t.Helper()
	resp, err := s.hc.Get(s.Web + "/screen.png")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	frame, err := strconv.ParseUint(resp.Header.Get("X-Frame"), 10, 64)
	if err != nil {
		s.t.Fatalf("/screen.png: X-Frame %q: %v", resp.Header.Get("X-Frame"), err)
	}
	img, err := png.Decode(resp.Body)
	if err != nil {
		s.t.Fatalf("/screen.png: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return rgba, frame
}

// WaitLog waits until the terminal's log holds text.
func (s *system) WaitLog(text string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.Log.String(), text) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("terminal log has no %q after 10 s", text)
}

// Scan presents a code at the scanner window.
func (s *system) Scan(code string, wantStatus int) {
	s.t.Helper()
	s.post("/sim/scan", map[string]string{"code": code}, wantStatus)
}

func (s *system) post(path string, body any, want int) []byte {
	s.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := s.hc.Post(s.Web+path, "application/json", bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("POST %s: %s %s, want %d", path, resp.Status, out, want)
	}
	return out
}

// Customer opens a sandbox account with balance (minor units, CNY).
func (s *system) Customer(balance int64) sandbox.Account {
	s.t.Helper()
	a, err := s.admin.CreateAccount(context.Background(), sandbox.NewAccount{Name: "Test customer", Currency: "CNY", Balance: balance})
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// Code issues a fresh payment code for the account.
func (s *system) Code(accountID string) string {
	s.t.Helper()
	c, err := s.admin.IssueCode(context.Background(), accountID)
	if err != nil {
		s.t.Fatal(err)
	}
	return c.Code
}

// Balance reads an account's balance.
func (s *system) Balance(accountID string) int64 {
	s.t.Helper()
	a, err := s.admin.Account(context.Background(), accountID)
	if err != nil {
		s.t.Fatal(err)
	}
	return a.Balance
}

// lockedWriter lets concurrent loggers share one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
