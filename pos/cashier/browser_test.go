package cashier

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
	"payterm/pos"
	"payterm/pos/orderread"
)

// chromiumPath is where Debian's chromium (tools/deps.sh) is.
const chromiumPath = "/usr/bin/chromium"

// vterm is the virtual terminal binary running on loopback.
type vterm struct {
	t        *testing.T
	web      string // http://127.0.0.1:port
	nexo     string
	poiID    string
	terminal ed25519.PublicKey
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startTerminal builds the firmware and runs it as the virtual terminal
// (board sim), registered with a sandbox payment host.
func startTerminal(t *testing.T, host *sandboxtest.Env) *vterm {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "payterm")
	build := exec.Command("go", "build", "-o", bin, "payterm/firmware")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the firmware: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	id, err := exec.Command(bin, "-board", "sim", "-data", data, "-identity").Output()
	if err != nil {
		t.Fatalf("payterm -identity: %v", err)
	}
	f := strings.Fields(string(id))
	if len(f) != 3 {
		t.Fatalf("payterm -identity: %q", id)
	}
	pub, err := hex.DecodeString(f[2])
	if err != nil {
		t.Fatal(err)
	}
	host.RegisterTerminal(t, f[0], pub)
	https, web := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "-board", "sim", "-data", data, "-https", https, "-web", web, "-serial", "-")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	log := &lockedBuilder{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("terminal log:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		c1, err1 := net.Dial("tcp", https)
		c2, err2 := net.Dial("tcp", web)
		if err1 == nil && err2 == nil {
			c1.Close()
			c2.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("virtual terminal not listening after 30 s")
		}
	}
	return &vterm{t: t, web: "http://" + web, nexo: "https://" + https + "/nexo", poiID: f[0], terminal: pub}
}

// lockedBuilder lets the process write the log while a failing test reads it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// agent is a POS agent on the terminal's link with the dev key.
func (v *vterm) agent(host *sandboxtest.Env) *pos.Agent {
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: v.poiID, Transport: poslink.NewHTTPSTransport(v.nexo, nil, true),
		Key: &poslink.SecurityKey{KeyIdentifier: "payterm-dev", KeyVersion: 1, Passphrase: "payterm-dev-passphrase"}})
	if err != nil {
		v.t.Fatal(err)
	}
	n := 0
	return &pos.Agent{Terminal: c, POIID: v.poiID, SaleID: "POS-CASHIER", Payer: host.Client,
		Pairing: pos.PairingOf(v.poiID, v.terminal), Log: slog.New(slog.DiscardHandler),
		NewServiceID: func() string { n++; return fmt.Sprintf("cashier-%d-%d", time.Now().UnixNano(), n) }}
}

type simState struct {
	Screen    string `json:"screen"`
	OrderHash string `json:"order_hash"`
	Marked    []string
	Buttons   []struct {
		Action string `json:"action"`
		Line   string `json:"line"`
		Rect   struct{ X, Y, W, H int }
	} `json:"buttons"`
}

func (v *vterm) state() simState {
	v.t.Helper()
	var st simState
	resp, err := http.Get(v.web + "/sim/state")
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(&st)
	return st
}

// waitOrder waits until the terminal shows the order with hash h.
func (v *vterm) waitOrder(h order.Hash) {
	v.t.Helper()
	var st simState
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st = v.state(); st.Screen == "order" && st.OrderHash == h.String() {
			return
		}
	}
	v.t.Fatalf("terminal shows %s %s, want the order %s", st.Screen, st.OrderHash, h)
}

// tap touches the button with action (and line) as a customer would.
func (v *vterm) tap(action, line string) {
	v.t.Helper()
	// The button may appear only once the previous touch is drawn (report
	// after a line is toggled): poll for it.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, b := range v.state().Buttons {
			if b.Action == action && (line == "" || b.Line == line) {
				body := fmt.Sprintf(`{"x":%d,"y":%d}`, b.Rect.X+b.Rect.W/2, b.Rect.Y+b.Rect.H/2)
				resp, err := http.Post(v.web+"/sim/touch", "application/json", strings.NewReader(body))
				if err != nil {
					v.t.Fatal(err)
				}
				resp.Body.Close()
				return
			}
		}
	}
	v.t.Fatalf("no %s button for line %q on the terminal", action, line)
}

// openPage starts headless chromium on url.
func openPage(t *testing.T, url string) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("no chromium at %s (tools/deps.sh installs Debian's): %v", chromiumPath, err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate(url)) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("chromium: load %s: %v", url, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("chromium: page did not load in 30 s")
	}
	return ctx
}

// do runs browser actions with a time limit.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// waitJS waits until a JavaScript expression is true on the page.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	do(t, ctx, what, chromedp.Poll[chromedp.Void](expr,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// TestCashierPageInBrowser: an order read with a wrong amount is held
// and the field is marked on the cashier's page; the cashier corrects it
// in the browser and sends; the virtual terminal shows the corrected
// order; the customer flags a line on the terminal and the page shows
// the flag; the cashier's next correction reaches the terminal in place
// of the flagged order.
func TestCashierPageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the firmware and drives the virtual terminal and chromium")
	}
	if out, err := exec.Command("go", "env", "GOHOSTARCH").Output(); err != nil || strings.TrimSpace(string(out)) != runtime.GOARCH {
		t.Skip("runs host binaries and a host browser; this test binary is cross-built")
	}
	host := sandboxtest.StartLive(t, sandbox.Options{})
	term := startTerminal(t, host)
	agent := term.agent(host)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	desk := NewDesk(ctx, Config{Payer: agent, Mode: pos.Relay, AutoSend: true})
	agent.Charging = desk.Charging
	srv := httptest.NewServer(Handler(desk))
	t.Cleanup(srv.Close)

	// The read: line 2's amount misread (5.90 for 5.82).
	csv := "label,quantity,unit_price,amount\n乌龙茶 Oolong tea 500ml,2,4.50,9.00\n苹果 Apples,0.455 kg,12.80,5.90\n" +
		"饺子 Dumplings 1 kg,1,25.00,25.00\nTOTAL,,,39.82\n"
	read, err := orderread.ReadCSV(strings.NewReader(csv), orderread.Options{ID: "T-CASHIER", Currency: "CNY", Source: "csv:test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.Submit(read); err != nil {
		t.Fatal(err)
	}
	page := openPage(t, srv.URL+"/")
	amount2 := `#lines tr[data-id="2"] input[name=amount]`
	waitJS(t, page, "the wrong amount marked", fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.classList.contains("problem") && document.querySelectorAll("#problems li").length > 0; })()`, amount2))

	do(t, page, "correct the amount and send", chromedp.SetValue(amount2, "5.82"), chromedp.Click("#send"))
	corrected := read.Order
	corrected.Lines = append([]order.Line(nil), read.Order.Lines...)
	corrected.Lines[1].Amount = 582
	term.waitOrder(corrected.Hash())
	waitJS(t, page, "the page says the customer is checking", `document.getElementById("stage").dataset.stage === "waiting"`)

	term.tap("toggle-line", "2")
	term.tap("report", "")
	waitJS(t, page, "the customer's flag shown", `document.querySelector('#lines tr[data-id="2"]').classList.contains("flagged") && document.getElementById("flagged").textContent.includes("2") && document.getElementById("stage").dataset.stage === "flagged"`)

	// The cashier weighs the apples again: 0.5 kg.
	do(t, page, "correct the flagged line and send",
		chromedp.SetValue(`#lines tr[data-id="2"] input[name=qty]`, "0.5"),
		chromedp.SetValue(amount2, "6.40"),
		chromedp.SetValue(`input[name=total]`, "40.40"),
		chromedp.Click("#send"))
	again := corrected
	again.Lines = append([]order.Line(nil), corrected.Lines...)
	again.Lines[1].Quantity, again.Lines[1].Amount = 500, 640
	again.Total = again.Sum()
	term.waitOrder(again.Hash())
	waitJS(t, page, "the flag cleared for the new order", `!document.querySelector('#lines tr.flagged') && document.getElementById("stage").dataset.stage === "waiting"`)
}
