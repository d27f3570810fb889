package faults

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/pos"
)

// Environment of the fault run:
//
//	PAYTERM_FAULTS=0             skip it (as -short does)
//	PAYTERM_FAULTS_SEED=n        base seed (default 1); sale i uses seed n*100000+i
//	PAYTERM_FAULTS_SALES=n       number of sales (default 300)
//	PAYTERM_FAULTS_REPLAY=seed   run the one sale with this seed (from a failure report)
//	PAYTERM_FAULTS_VERBOSE=1     print every sale's trace, not only the wrong ones
func envInt(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return v
	}
	return def
}

// Wrong charges, the invariant's ways to break.
const (
	wrongMoneyNoAnswer  = "money moved, POS answer not paid"
	wrongAnswerNoMoney  = "POS answer paid, no money moved"
	wrongSawPaidNoMoney = "customer saw paid, no money moved"
	wrongMoneyUnseen    = "money moved, customer did not see paid"
	wrongDouble         = "order charged more than once"
)

// TestFaults sells 300+ orders in direct and relay mode through proxies
// that delay, drop and reset both hops at every step, killing and
// restarting the terminal at random points, and checks after each sale:
// money moved for the order ⇔ the POS's final answer says paid ⇔ the
// customer saw paid, and never two charges for one order.
func TestFaults(t *testing.T) {
	if !enabled() {
		t.Skip("fault-injection run (minutes): skipped with -short or PAYTERM_FAULTS=0")
	}
	start := time.Now()
	base := envInt("PAYTERM_FAULTS_SEED", 1)
	n := int(envInt("PAYTERM_FAULTS_SALES", 300))
	var seeds []int64
	if r := envInt("PAYTERM_FAULTS_REPLAY", 0); r != 0 {
		seeds = []int64{r}
	} else {
		for i := range n {
			seeds = append(seeds, base*100000+int64(i))
		}
	}
	g := newRig(t)
	ctx := context.Background()
	var wrong []string
	byKind := map[string]int{}
	patterns := map[string]int{}
	modes := map[pos.Mode]int{}
	paidSales, wrongSales := 0, 0
	for i, seed := range seeds {
		s := &sale{index: i, seed: seed}
		if err := g.runSale(ctx, s); err != nil {
			t.Fatalf("sale %d (seed %d): harness: %v\n%s", i, seed, err, strings.Join(s.trace, "\n"))
		}
		modes[s.mode]++
		kinds, detail := g.verdict(ctx, s)
		if s.paid {
			paidSales++
		}
		if len(kinds) > 0 || os.Getenv("PAYTERM_FAULTS_VERBOSE") == "1" {
			t.Logf("sale %d seed %d %s order %s: %s\n  %s\n  %s", i, seed, s.mode, s.hash[:12], strings.Join(kinds, "; "), detail,
				strings.Join(s.trace, "\n  "))
		}
		if len(kinds) > 0 {
			wrongSales++
		}
		for _, k := range kinds {
			byKind[k]++
			patterns[fmt.Sprintf("%s | %s | %s", s.mode, k, s.pattern())]++
			wrong = append(wrong, fmt.Sprintf("seed %d (sale %d, %s, %d attempt(s)): %s", seed, i, s.mode, len(s.attempts), k))
		}
	}
	g.hostProxy.WaitQuiet(2 * time.Second)
	elapsed := time.Since(start)

	var b strings.Builder
	fmt.Fprintf(&b, "fault run: %d sales in %v (direct %d, relay %d), %d paid\n", len(seeds), elapsed.Round(time.Second),
		modes[pos.Direct], modes[pos.Relay], paidSales)
	fmt.Fprintf(&b, "faults injected (exchanges per hop and kind):\n")
	for _, p := range []*Proxy{g.posProxy, g.hostProxy, g.payProxy} {
		fmt.Fprintf(&b, "  %-14s %s\n", p.Hop, formatCounts(p.Counts()))
	}
	boots, kills := g.term.counts()
	fmt.Fprintf(&b, "terminal: %d boots, %d SIGKILLs\n", boots, kills)
	for _, k := range g.stats.keys() {
		fmt.Fprintf(&b, "  %-62s %d\n", k, g.stats.get(k))
	}
	fmt.Fprintf(&b, "terminal log: %d \"journal write failed\", %d \"charge failed\", %d \"charge outcome for a session that ended\"\n",
		g.term.logCount(`msg="journal write failed"`), g.term.logCount(`msg="charge failed"`), g.term.logCount(`msg="charge outcome for a session that ended`))
	fmt.Fprintf(&b, "wrong charges: %d in %d sales\n", len(wrong), wrongSales)
	for _, k := range []string{wrongMoneyNoAnswer, wrongAnswerNoMoney, wrongSawPaidNoMoney, wrongMoneyUnseen, wrongDouble} {
		fmt.Fprintf(&b, "  %-42s %d\n", k, byKind[k])
	}
	if len(patterns) > 0 {
		fmt.Fprintf(&b, "top patterns (mode | wrong | main fault of each attempt that charged the order, else of the last attempt):\n")
		type pc struct {
			p string
			n int
		}
		var ps []pc
		for p, n := range patterns {
			ps = append(ps, pc{p, n})
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].n > ps[j].n || ps[i].n == ps[j].n && ps[i].p < ps[j].p })
		for _, p := range ps[:min(len(ps), 15)] {
			fmt.Fprintf(&b, "  %4d  %s\n", p.n, p.p)
		}
	}
	t.Log("\n" + b.String())
	if len(wrong) > 0 {
		t.Errorf("%d wrong charges; replay one with PAYTERM_FAULTS_REPLAY=<seed> go test -run TestFaults -v ./firmware/faults:\n  %s",
			len(wrong), strings.Join(wrong, "\n  "))
	}
}

// verdict checks one settled sale against the payment host's ledger and
// the customer's screens.
func (g *rig) verdict(ctx context.Context, s *sale) (kinds []string, detail string) {
	// A charge may still be on its way to the host (a killed terminal's
	// request already forwarded): let it land first.
	g.hostProxy.WaitQuiet(2 * time.Second)
	g.payProxy.WaitQuiet(2 * time.Second)
	g.term.state() // the latest screens
	charges, held, err := g.host.chargesHeld(ctx, s.hash)
	if err != nil {
		return []string{"harness: " + err.Error()}, ""
	}
	if held > 0 {
		// Its phone has stopped: it can only expire or be reversed.
		g.stats.add("payments still waiting for a phone at the verdict (cannot be confirmed)", held)
	}
	acct, err := g.host.Host.Account(ctx, s.account)
	if err != nil {
		return []string{"harness: " + err.Error()}, ""
	}
	moved := 10*s.order.Total - acct.Balance
	screens := g.term.screensFor(s.hash)
	money := len(charges) > 0
	sawPaid := slices.Contains(screens, "paid")
	// A payment settled after a restart is told to TransactionStatus and
	// shown to the customer in the same step, the screen last: give the
	// screen that step's moment before judging what the customer saw. On
	// a machine loaded by other test suites a restarted terminal has
	// taken over a second for it (CI, seed 100238; its replay passes), so
	// the wait is generous: it only runs when money moved unseen, and a
	// terminal that never shows paid still fails.
	for deadline := time.Now().Add(5 * time.Second); money && !sawPaid && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		g.term.state()
		screens = g.term.screensFor(s.hash)
		sawPaid = slices.Contains(screens, "paid")
	}
	detail = fmt.Sprintf("charges %d (balance moved %d, order total %d), POS: %s, customer saw %v",
		len(charges), moved, s.order.Total, s.answer, screens)
	if moved != int64(len(charges))*s.order.Total {
		kinds = append(kinds, fmt.Sprintf("harness: balance moved %d for %d charges", moved, len(charges)))
	}
	if money && !s.paid {
		kinds = append(kinds, wrongMoneyNoAnswer)
	}
	if s.paid && !money {
		kinds = append(kinds, wrongAnswerNoMoney)
	}
	if sawPaid && !money {
		kinds = append(kinds, wrongSawPaidNoMoney)
	}
	if money && !sawPaid {
		kinds = append(kinds, wrongMoneyUnseen)
	}
	if len(charges) > 1 {
		kinds = append(kinds, wrongDouble)
	}
	return kinds, detail
}

func formatCounts(m map[Kind]int) string {
	var parts []string
	for k := Pass; k < numKinds; k++ {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	return strings.Join(parts, ", ")
}

// stats counts harness events by name.
type stats struct {
	mu sync.Mutex
	m  map[string]int
}

func (s *stats) add(k string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] += n
}

func (s *stats) get(k string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[k]
}

func (s *stats) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ks []string
	for k := range s.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// newRig starts the payment host, the proxies and the terminal, and the
// POS on top.
func newRig(t *testing.T) *rig {
	t.Helper()
	g := &rig{runID: fmt.Sprintf("F%x", time.Now().UnixNano()&0xffffffff), stats: &stats{m: map[string]int{}}}
	g.host = startHost(t)
	hostAddr := strings.TrimPrefix(g.host.Server.URL, "http://")
	g.hostProxy = &Proxy{Hop: "terminal-host", Target: hostAddr, Framing: Plain}
	g.payProxy = &Proxy{Hop: "pos-host", Target: hostAddr, Framing: Plain}
	for _, p := range []*Proxy{g.hostProxy, g.payProxy} {
		if err := p.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
	}
	g.term = newTerminal(t, "http://"+g.hostProxy.Addr())
	g.posProxy = &Proxy{Hop: "pos-terminal", Target: g.term.HTTPS, Framing: TLS12}
	if err := g.posProxy.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.posProxy.Close)
	var err error
	if g.link, err = newLinkClient(tls12Transport("https://" + g.posProxy.Addr() + "/nexo")); err != nil {
		t.Fatal(err)
	}
	if g.clean, err = newLinkClient(tls12Transport("https://" + g.term.HTTPS + "/nexo")); err != nil {
		t.Fatal(err)
	}
	g.newAgent()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("terminal log tail:\n%s", g.term.logTail(6000))
		}
	})
	return g
}
