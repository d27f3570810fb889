package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"payterm/firmware/order"
	"payterm/pos"
)

// chromiumPath is where Debian's chromium package (tools/deps.sh) puts
// the browser.
const chromiumPath = "/usr/bin/chromium"

// browser is a headless chromium showing the virtual terminal page. It
// acts as a person would: it looks at the screen image, clicks on it and
// types into the scanner box. The automation API is used only to learn
// where the buttons are and what the terminal's state is.
type browser struct {
	t   *testing.T
	s   *system
	ctx context.Context // the tab; has run once, so derived timeouts are safe
}

// openBrowser starts chromium on the terminal's page, with extra flags
// if given. Without chromium the test is skipped, except in CI, where it
// must run.
func openBrowser(t *testing.T, s *system, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := fmt.Sprintf("no chromium at %s (tools/deps.sh installs Debian's): %v", chromiumPath, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		// Narrower than the 1280-pixel panel, so the page scales the
		// screen down and clicks must be scaled back.
		chromedp.WindowSize(1000, 900),
	}, extra...)...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for chromium to exit
	})
	// The first Run starts the browser: no timeout on it (it would bound
	// the browser's life), but a watchdog so a hung start fails the test.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx, chromedp.Navigate(s.Web+"/")) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("chromium: load %s: %v", s.Web, err)
		}
	case <-time.After(30 * time.Second):
		cancelTab()
		t.Fatal("chromium: page did not load in 30 s")
	}
	b := &browser{t: t, s: s, ctx: ctx}
	// Record what the page posts as touches, to check that it maps the
	// mouse to the panel point under it.
	eval[chromedp.Void](b, `(() => {
  window.sentTouches = [];
  const f = window.fetch;
  window.fetch = (url, opts) => {
    if (url === "/sim/touch") window.sentTouches.push(JSON.parse(opts.body));
    return f(url, opts);
  };
})()`)
	return b
}

// sentTouch is a touch the page posted to /sim/touch.
type sentTouch struct {
	X, Y   *int
	Points [][2]int
}

func (t sentTouch) String() string {
	if t.X != nil && t.Y != nil {
		return fmt.Sprintf("(%d,%d)", *t.X, *t.Y)
	}
	return fmt.Sprintf("stroke %v", t.Points)
}

// lastTouch returns the touch the page posted last, waiting for it.
func (b *browser) lastTouch(n int) sentTouch {
	b.t.Helper()
	b.do("wait for the page to post a touch", 5*time.Second,
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.sentTouches.length >= %d`, n),
			chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
	ts := eval[[]sentTouch](b, `window.sentTouches`)
	return ts[len(ts)-1]
}

// do runs actions with a time limit.
func (b *browser) do(what string, limit time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: evaluate: %v", err)
	}
	return v
}

// screenBox is where the screen image's pixels are on the page, in CSS
// pixels of the viewport: the <img>'s content box (its bounding box less
// the frame drawn as a border), and what it has loaded.
type screenBox struct {
	Left, Top, Width, Height    float64
	NaturalWidth, NaturalHeight int
	ViewWidth, ViewHeight       float64
	Frame                       int64 // from the image's ?f= query; -1 before the first event
	Complete                    bool
}

const screenBoxJS = `(() => {
  const i = document.getElementById("screen");
  const r = i.getBoundingClientRect(), cs = getComputedStyle(i);
  const px = (v) => parseFloat(v) || 0;
  const m = /[?&]f=(\d+)/.exec(i.src);
  return {
    Left: r.left + px(cs.borderLeftWidth) + px(cs.paddingLeft),
    Top: r.top + px(cs.borderTopWidth) + px(cs.paddingTop),
    Width: r.width - px(cs.borderLeftWidth) - px(cs.borderRightWidth) - px(cs.paddingLeft) - px(cs.paddingRight),
    Height: r.height - px(cs.borderTopWidth) - px(cs.borderBottomWidth) - px(cs.paddingTop) - px(cs.paddingBottom),
    NaturalWidth: i.naturalWidth, NaturalHeight: i.naturalHeight,
    ViewWidth: window.innerWidth, ViewHeight: window.innerHeight,
    Frame: m ? Number(m[1]) : -1, Complete: i.complete,
  };
})()`

func (b *browser) box() screenBox { b.t.Helper(); return eval[screenBox](b, screenBoxJS) }

// toPage maps a panel point to the viewport point where the page shows it.
func (b *browser) toPage(box screenBox, p image.Point) (x, y float64) {
	b.t.Helper()
	if box.NaturalWidth == 0 || box.NaturalHeight == 0 {
		b.t.Fatal("browser: the screen image has not loaded")
	}
	x = box.Left + (float64(p.X)+0.5)*box.Width/float64(box.NaturalWidth)
	y = box.Top + (float64(p.Y)+0.5)*box.Height/float64(box.NaturalHeight)
	if x < 0 || y < 0 || x >= box.ViewWidth || y >= box.ViewHeight {
		b.t.Fatalf("browser: panel point %v is at (%.0f,%.0f), outside the %.0fx%.0f viewport", p, x, y, box.ViewWidth, box.ViewHeight)
	}
	return x, y
}

// waitScreen waits until the terminal shows screen and the page's image
// has loaded that very frame (through the /sim/frames refresh), then
// checks that the page shows the panel's pixels.
func (b *browser) waitScreen(screen string) simStateJSON {
	b.t.Helper()
	st := b.s.WaitScreen(screen)
	// The page must come to show the frame the panel holds now. Should
	// the panel draw again meanwhile, compare with the newer frame.
	var panel *image.RGBA
	var box screenBox
	for try := 0; ; try++ {
		var frame uint64
		panel, frame = b.s.Screenshot()
		b.do("wait for frame "+fmt.Sprint(frame)+" ("+screen+")", 10*time.Second,
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`(() => { const b = %s; return b.Complete && b.NaturalWidth > 0 && b.Frame >= %d; })()`, screenBoxJS, frame),
				chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second)))
		if box = b.box(); box.Frame == int64(frame) {
			break
		}
		if try == 3 {
			b.t.Fatalf("page shows frame %d, panel drew %d: the screen keeps changing on %q", box.Frame, frame, screen)
		}
	}
	if box.NaturalWidth != panel.Rect.Dx() || box.NaturalHeight != panel.Rect.Dy() {
		b.t.Fatalf("page image is %dx%d, panel is %v", box.NaturalWidth, box.NaturalHeight, panel.Rect.Size())
	}
	b.checkPixels(panel)
	return st
}

// checkPixels reads the page's image back through a canvas and compares a
// grid of samples with the panel: the page must show the live screen, not
// a blank or stale one.
func (b *browser) checkPixels(panel *image.RGBA) {
	b.t.Helper()
	const cols, rows = 48, 30
	got := eval[[]int](b, fmt.Sprintf(`(() => {
  const i = document.getElementById("screen");
  const c = document.createElement("canvas");
  c.width = i.naturalWidth; c.height = i.naturalHeight;
  const g = c.getContext("2d");
  g.drawImage(i, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data, out = [];
  for (let r = 0; r < %[2]d; r++) for (let k = 0; k < %[1]d; k++) {
    const x = Math.floor((k + 0.5) * c.width / %[1]d), y = Math.floor((r + 0.5) * c.height / %[2]d);
    const o = (y * c.width + x) * 4;
    out.push(d[o], d[o+1], d[o+2]);
  }
  return out;
})()`, cols, rows))
	if len(got) != cols*rows*3 {
		b.t.Fatalf("canvas read %d values, want %d", len(got), cols*rows*3)
	}
	colours := map[[3]int]bool{}
	off := 0
	for r := range rows {
		for k := range cols {
			x := (2*k + 1) * panel.Rect.Dx() / (2 * cols)
			y := (2*r + 1) * panel.Rect.Dy() / (2 * rows)
			c := panel.RGBAAt(x, y)
			g := [3]int{got[3*(r*cols+k)], got[3*(r*cols+k)+1], got[3*(r*cols+k)+2]}
			colours[g] = true
			if absDiff(g[0], int(c.R)) > 3 || absDiff(g[1], int(c.G)) > 3 || absDiff(g[2], int(c.B)) > 3 {
				off++
			}
		}
	}
	if off > cols*rows/100 {
		b.t.Fatalf("page image differs from the panel at %d of %d samples", off, cols*rows)
	}
	if len(colours) < 3 {
		b.t.Fatalf("page image is blank: %d colours", len(colours))
	}
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// click clicks, on the page's image, the centre of the on-screen button
// with action (and line, if given).
func (b *browser) click(action, line string) {
	b.t.Helper()
	r, ok := b.s.button(action, line)
	if !ok {
		b.t.Fatalf("no %q button for line %q on screen", action, line)
	}
	want := image.Pt(r.X+r.W/2, r.Y+r.H/2)
	x, y := b.toPage(b.box(), want)
	n := len(eval[[]sentTouch](b, `window.sentTouches`))
	b.do("click "+action, 5*time.Second, chromedp.MouseClickXY(x, y))
	got := b.lastTouch(n + 1)
	if got.X == nil || got.Y == nil || absDiff(*got.X, want.X) > 1 || absDiff(*got.Y, want.Y) > 1 {
		b.t.Fatalf("clicked %s at panel %v, the page touched %s", action, want, got)
	}
}

// drag presses the mouse at the first point, moves it through the others
// and releases it at the last: a finger stroke on the screen.
func (b *browser) drag(stroke []image.Point) {
	b.t.Helper()
	box := b.box()
	pressed := func(p *input.DispatchMouseEventParams) {
		p.Button, p.Buttons, p.ClickCount = input.MouseButtonLeft, 1, 1
	}
	var acts []chromedp.Action[chromedp.Void]
	for i, pt := range stroke {
		x, y := b.toPage(box, pt)
		switch i {
		case 0:
			acts = append(acts, chromedp.MouseEvent(chromedp.MouseMoved, x, y), chromedp.MouseEvent(chromedp.MousePressed, x, y, pressed))
		default:
			acts = append(acts, chromedp.MouseEvent(chromedp.MouseMoved, x, y, pressed))
		}
		if i == len(stroke)-1 {
			acts = append(acts, chromedp.MouseEvent(chromedp.MouseReleased, x, y, func(p *input.DispatchMouseEventParams) {
				p.Button, p.ClickCount = input.MouseButtonLeft, 1
			}))
		}
	}
	n := len(eval[[]sentTouch](b, `window.sentTouches`))
	b.do("drag", 10*time.Second, acts...)
	got := b.lastTouch(n + 1)
	if len(got.Points) != len(stroke) {
		b.t.Fatalf("dragged through %d points, the page sent %d", len(stroke), len(got.Points))
	}
	for i, p := range got.Points {
		if absDiff(p[0], stroke[i].X) > 1 || absDiff(p[1], stroke[i].Y) > 1 {
			b.t.Fatalf("stroke point %d: dragged through panel %v, the page sent %v", i, stroke[i], p)
		}
	}
}

// typeCode types a payment code into the scanner box and submits it, by
// the Scan button or the Enter key, and waits for the page to say so.
func (b *browser) typeCode(code string, enter bool) {
	b.t.Helper()
	submit := chromedp.Click(chromedp.ID("scan"), chromedp.NodeVisible)
	if enter {
		submit = chromedp.SendKeys(chromedp.ID("code"), kb.Enter)
	}
	b.do("type the code", 10*time.Second,
		chromedp.SendKeys(chromedp.ID("code"), code),
		submit,
		chromedp.Poll[chromedp.Void](`document.getElementById("status").textContent === "scanned"`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)),
	)
	if v := eval[string](b, `document.getElementById("code").value`); v != "" {
		b.t.Fatalf("scanner box still holds %q after the scan", v)
	}
}

// payResult is what a POS agent's Pay returned.
type payResult struct {
	out pos.Outcome
	err error
}

// payAsync runs one sale in the background, as the cashier's POS does
// while the customer deals with the terminal.
func payAsync(t *testing.T, a *pos.Agent, o order.Order, mode pos.Mode) <-chan payResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	done := make(chan payResult, 1)
	go func() {
		out, err := a.Pay(ctx, o, mode)
		done <- payResult{out, err}
	}()
	return done
}

// waitPay waits for a sale's outcome.
func waitPay(t *testing.T, done <-chan payResult) pos.Outcome {
	t.Helper()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("POS: %v", r.err)
		}
		return r.out
	case <-time.After(20 * time.Second):
		t.Fatal("POS got no outcome in 20 s")
	}
	return pos.Outcome{}
}

// TestBrowserPays: a person at the virtual terminal page sees the order
// the POS sent, clicks Confirm and the code method on the screen image and
// types a payment code into the scanner box; the POS learns it was paid
// and the customer's balance drops by exactly the total. Relay mode (the
// POS charges) and direct mode (the terminal charges).
func TestBrowserPays(t *testing.T) {
	for _, tc := range []struct {
		mode  pos.Mode
		enter bool // submit the code with Enter rather than the Scan button
	}{
		{pos.Relay, false},
		{pos.Direct, true},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			s := startSystem(t, nil)
			b := openBrowser(t, s)
			b.waitScreen("idle")
			const balance = 100000
			cust := s.Customer(balance)
			o, err := pos.SampleOrder("T-BROWSER-" + string(tc.mode))
			if err != nil {
				t.Fatal(err)
			}
			done := payAsync(t, s.Agent(), o, tc.mode)

			st := b.waitScreen("order")
			if st.OrderHash != o.Hash().String() {
				t.Fatalf("page shows order %s, POS sent %s", st.OrderHash, o.Hash())
			}
			b.click("confirm", "")
			b.waitScreen("method")
			b.click("choose-code", "")
			if st := b.waitScreen("show-code"); !st.ScannerArmed {
				t.Fatal("scanner not armed while the screen asks for a code")
			}
			b.typeCode(s.Code(cust.ID), tc.enter)

			out := waitPay(t, done)
			if !out.Paid || out.Hash != o.Hash() {
				t.Fatalf("POS outcome %v, want paid for %s", out, o.Hash())
			}
			if got, want := s.Balance(cust.ID), int64(balance)-o.Total; got != want {
				t.Fatalf("balance %d, want %d (total %d)", got, want, o.Total)
			}
			b.waitScreen("paid")
		})
	}
}

// TestBrowserCircleFlag: the customer draws a loop around two lines with
// the mouse; the terminal marks them, Report tells the POS which lines
// are wrong, the cashier sends the corrected order and the customer pays
// that one.
func TestBrowserCircleFlag(t *testing.T) {
	s := startSystem(t, nil)
	b := openBrowser(t, s)
	const balance = 100000
	cust := s.Customer(balance)
	o, err := pos.SampleOrder("T-BROWSER-CIRCLE")
	if err != nil {
		t.Fatal(err)
	}
	agent := s.Agent()
	done := payAsync(t, agent, o, pos.Relay)

	b.waitScreen("order")
	b.drag(loopAround(t, s, "2", "3"))
	st := b.s.waitMarked([]string{"2", "3"})
	if st.Screen != "order" {
		t.Fatalf("screen %q after circling, want order", st.Screen)
	}
	b.waitScreen("order") // the marks are drawn
	b.click("report", "")

	out := waitPay(t, done)
	if out.Paid || out.Condition != "Cancel" || !slices.Equal(out.Flagged, []string{"2", "3"}) {
		t.Fatalf("POS outcome %+v, want Cancel with lines 2 and 3 flagged", out)
	}
	b.waitScreen("flagged")

	// The cashier takes the two lines off and sends the order again.
	fixed := o
	fixed.Lines = slices.DeleteFunc(slices.Clone(o.Lines), func(l order.Line) bool { return l.ID == "2" || l.ID == "3" })
	fixed.Total = fixed.Sum()
	if err := fixed.Validate(); err != nil {
		t.Fatal(err)
	}
	done = payAsync(t, agent, fixed, pos.Relay)
	st = b.waitScreen("order")
	if st.OrderHash != fixed.Hash().String() || len(st.Marked) != 0 {
		t.Fatalf("page shows order %s marked %v, want the corrected %s unmarked", st.OrderHash, st.Marked, fixed.Hash())
	}
	b.click("confirm", "")
	b.waitScreen("method")
	b.click("choose-code", "")
	b.waitScreen("show-code")
	b.typeCode(s.Code(cust.ID), false)
	out = waitPay(t, done)
	if !out.Paid || out.Hash != fixed.Hash() {
		t.Fatalf("POS outcome %v for the corrected order", out)
	}
	if got, want := s.Balance(cust.ID), int64(balance)-fixed.Total; got != want {
		t.Fatalf("balance %d, want %d (corrected total %d, first total %d)", got, want, fixed.Total, o.Total)
	}
	b.waitScreen("paid")
}

// loopAround returns a closed elliptical stroke, in panel pixels, around
// the rows of two adjacent lines and clear of their neighbours.
func loopAround(t *testing.T, s *system, a, b string) []image.Point {
	t.Helper()
	ra, ok1 := s.button("toggle-line", a)
	rb, ok2 := s.button("toggle-line", b)
	if !ok1 || !ok2 {
		t.Fatalf("lines %s and %s are not both on screen", a, b)
	}
	top, bottom := min(ra.Y, rb.Y), max(ra.Y+ra.H, rb.Y+rb.H)
	left, right := min(ra.X, rb.X), max(ra.X+ra.W, rb.X+rb.W)
	cx, cy := float64(left+right)/2, float64(top+bottom)/2
	// The row centres lie half their distance from cy; reach 40 % of a
	// row further, so the loop encloses both centre lines and no other.
	half := math.Abs(float64((ra.Y+ra.H/2)-(rb.Y+rb.H/2))) / 2
	ry := half + 0.4*float64(min(ra.H, rb.H))
	rx := 0.4 * float64(right-left)
	var pts []image.Point
	for i := 0; i <= 48; i++ {
		th := 2 * math.Pi * float64(i) / 48
		pts = append(pts, image.Pt(int(math.Round(cx+rx*math.Cos(th))), int(math.Round(cy+ry*math.Sin(th)))))
	}
	return pts
}

// TestBrowserFramesEndOnStop: the page's frame stream ends when the
// terminal stops, so a browser left open does not hold the web server
// (and its goroutines) after shutdown.
func TestBrowserFramesEndOnStop(t *testing.T) {
	s := startSystem(t, nil)
	resp, err := http.Get(s.Web + "/sim/frames")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 64)
	if n, err := resp.Body.Read(first); err != nil || !strings.HasPrefix(string(first[:n]), "data: ") {
		t.Fatalf("first event %q, %v", first[:n], err)
	}
	s.stop()
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, resp.Body); ended <- err }()
	select {
	case <-ended:
	case <-time.After(3 * time.Second):
		t.Fatal("frame stream still open 3 s after the terminal stopped")
	}
}
