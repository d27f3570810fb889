package faults

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/pos"
)

// The terminal's dev identity (firmware/config.go): public values.
const (
	devPOIID      = "PT1-0001"
	devKeyID      = "payterm-dev"
	devKeyVersion = 1
	devPassphrase = "payterm-dev-passphrase"
	saleID        = "POS-FAULTS"
)

// rig is everything one run uses: the host, the terminal, three proxies,
// the POS agent and a clean link client for cleanup.
type rig struct {
	host      *payHost
	term      *terminalProc
	posProxy  *Proxy // POS → terminal link (TLS passed through)
	hostProxy *Proxy // terminal → payment host (direct charges)
	payProxy  *Proxy // POS → payment host (relay charges)
	agent     *pos.Agent
	link      *poslink.Client // through posProxy, for TransactionStatus
	clean     *poslink.Client // straight to the terminal, for cleanup Aborts
	runID     string

	mu      sync.Mutex
	ids     []string // ServiceIDs the agent drew in the current attempt
	lastReq string   // ServiceID of the latest Payment or CardAcquisition
	nid     atomic.Int64

	stats *stats
}

// newServiceID is unique per SaleID for the run; the data directory is
// fresh, so the run ID only guards against replays within it.
func (g *rig) newServiceID() string {
	id := fmt.Sprintf("%s-%d", g.runID, g.nid.Add(1))
	g.mu.Lock()
	g.ids = append(g.ids, id)
	g.mu.Unlock()
	return id
}

// tls12Transport posts to url over TLS 1.2 (so the proxy can tell
// application data from the handshake), one connection per request.
func tls12Transport(url string) poslink.Transport {
	hc := &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, InsecureSkipVerify: true},
		DisableKeepAlives: true,
	}}
	return func(ctx context.Context, request []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(string(request)))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("faults: pos link: %w", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return nil, fmt.Errorf("faults: pos link: read: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("faults: pos link: %s", resp.Status)
		}
		return body, nil
	}
}

func newLinkClient(tr poslink.Transport) (*poslink.Client, error) {
	return poslink.NewClient(poslink.ClientConfig{POIID: devPOIID, Transport: tr,
		Key: &poslink.SecurityKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: devPassphrase}})
}

// sale is one order sold with up to three attempts.
type sale struct {
	index    int
	seed     int64
	mode     pos.Mode
	order    order.Order
	hash     string
	account  string
	limited  bool // the payer's code payments wait for the phone
	attempts []attemptPlan
	charged  []int // charges for the order at the host after each attempt
	trace    []string

	paid       bool   // the POS's final answer
	answer     string // the POS's final answer in words
	unresolved bool   // TransactionStatus never gave a final answer
}

// pattern names the attempts that charged the order by their main fault
// ("kill after-charge-answer + delays only"), or the last attempt when
// none did: what a wrong charge is grouped by.
func (s *sale) pattern() string {
	var parts []string
	prev := 0
	for i, n := range s.charged {
		if n > prev {
			parts = append(parts, s.attempts[i].signature())
		}
		prev = n
	}
	if len(parts) == 0 {
		return s.attempts[len(s.attempts)-1].signature()
	}
	return strings.Join(parts, " + ")
}

func (s *sale) logf(format string, args ...any) {
	s.trace = append(s.trace, fmt.Sprintf(format, args...))
}

// answerKind is what an attempt's POS learned.
type answerKind int

const (
	answerPaid answerKind = iota
	answerNotPaid
	answerUnresolved
)

// runSale sells one order: each attempt sends it, the customer confirms
// and scans a fresh code, faults and kills happen as planned, and a lost
// answer is settled with TransactionStatus. A cashier retries an unpaid
// sale (up to three attempts, most of the time).
func (g *rig) runSale(ctx context.Context, s *sale) error {
	r := rand.New(rand.NewSource(s.seed))
	if r.Intn(2) == 0 {
		s.mode = pos.Direct
	} else {
		s.mode = pos.Relay
	}
	o, err := pos.SampleOrder(fmt.Sprintf("F%d", s.seed))
	if err != nil {
		return err
	}
	s.order, s.hash = o, o.Hash().String()
	na := sandbox.NewAccount{Name: "Fault customer", Currency: o.Currency.Code, Balance: 10 * o.Total}
	lim, phoneRand := limited(s)
	if lim {
		na.Limit = phoneLimit
		s.limited = true
		s.logf("payer's limit %d: code payments wait for the phone", phoneLimit)
		g.stats.add("sales with a payer's limit (USERPAYING)", 1)
	} else {
		phoneRand = nil
	}
	acct, err := g.host.Host.CreateAccount(ctx, na)
	if err != nil {
		return err
	}
	s.account = acct.ID
	for a := 1; a <= 3; a++ {
		p := drawPlan(r, s.mode)
		s.attempts = append(s.attempts, p)
		s.logf("attempt %d (%s): %s", a, s.mode, p)
		var kind answerKind
		var words string
		g.withPhone(ctx, s, phoneRand, func() { kind, words = g.attempt(ctx, s, p) })
		s.paid, s.answer, s.unresolved = kind == answerPaid, words, kind == answerUnresolved
		s.logf("attempt %d: POS answer: %s", a, words)
		if err := g.cleanup(ctx, s); err != nil {
			return err
		}
		g.hostProxy.WaitQuiet(2 * time.Second)
		g.payProxy.WaitQuiet(2 * time.Second)
		cs, err := g.host.charges(ctx, s.hash)
		if err != nil {
			return err
		}
		s.charged = append(s.charged, len(cs))
		if kind == answerPaid || r.Float64() < 0.15 {
			break
		}
	}
	return nil
}

// attempt runs one attempt and returns the POS's final answer.
func (g *rig) attempt(ctx context.Context, s *sale, p attemptPlan) (answerKind, string) {
	if restarted, err := g.term.ensureUp(); err != nil {
		return answerUnresolved, "terminal does not start: " + err.Error()
	} else if restarted {
		s.logf("terminal had died on its own; restarted")
		g.stats.add("terminal died on its own", 1)
	}
	g.mu.Lock()
	g.ids = nil
	g.mu.Unlock()

	var once sync.Once
	crash := func(why killPoint) {
		once.Do(func() {
			s.logf("SIGKILL %s", why)
			g.stats.add("kill "+why.String(), 1)
			if err := g.term.crash(); err != nil {
				s.logf("restart failed: %v", err)
			}
		})
	}
	chargeHop, otherHop := g.hostProxy, g.payProxy
	if s.mode == pos.Relay {
		chargeHop, otherHop = g.payProxy, g.hostProxy
	}
	var onReq, onAns func(int)
	switch p.kill {
	case killDuringCharge:
		onReq = func(n int) { crash(killDuringCharge) }
	case killAfterCharge:
		onAns = func(n int) { crash(killAfterCharge) }
	}
	// Only the first exchange on the charge hop is the sale's charge; a
	// later one is a query.
	first := func(f func(int)) func(int) {
		if f == nil {
			return nil
		}
		var n0 atomic.Int64
		n0.Store(-1)
		return func(n int) {
			if n0.CompareAndSwap(-1, int64(n)) {
				f(n)
			}
		}
	}
	g.posProxy.Set(decider(p.pos, p.seeds[0]), nil, nil)
	chargeFaults := p.host
	if s.mode == pos.Relay {
		chargeFaults = p.pay
	}
	chargeHop.Set(decider(chargeFaults, p.seeds[1]), first(onReq), first(onAns))
	otherHop.Set(decider(nil, p.seeds[2]), nil, nil)

	cctx, cancel := context.WithCancel(ctx)
	custDone := make(chan struct{})
	go func() {
		defer close(custDone)
		g.customer(cctx, s, p, crash)
	}()
	pctx, pcancel := context.WithTimeout(ctx, 12*time.Second)
	out, err := g.agent.Pay(pctx, s.order, s.mode)
	pcancel()
	cancel()
	<-custDone

	g.mu.Lock()
	var first0 string
	if len(g.ids) > 0 {
		first0 = g.ids[0]
	}
	g.lastReq = first0
	g.mu.Unlock()

	if s.mode == pos.Relay {
		switch {
		case err == nil && out.Paid:
			return answerPaid, "paid, reference " + out.Reference
		case err == nil:
			return answerNotPaid, fmt.Sprintf("not paid: %s %s", out.Condition, out.Reason)
		case !out.Hash.IsZero():
			// The charge stage failed: the agent's answer is final.
			s.logf("agent: %v", err)
			return answerNotPaid, fmt.Sprintf("not paid: %s %s (%v)", out.Condition, out.Reason, err)
		}
		s.logf("agent: %v", err)
		st, kind, words := g.transactionStatus(ctx, s, first0)
		if kind == answerUnresolved {
			return kind, words
		}
		if st.Response.Result == poslink.ResultSuccess && st.Result.Approved {
			// The POS learns the credential only now; this POS does not
			// charge a credential it did not get in the reply, it drops
			// it (the cleanup aborts the session) and the cashier retries.
			g.stats.add("relay credential recovered by TransactionStatus, not charged", 1)
			return answerNotPaid, "not paid: credential recovered late, not charged"
		}
		return answerNotPaid, "not paid: " + words
	}
	if err == nil {
		if out.Paid {
			return answerPaid, "paid, reference " + out.Reference
		}
		return answerNotPaid, fmt.Sprintf("not paid: %s %s", out.Condition, out.Reason)
	}
	s.logf("agent: %v", err)
	if errors.Is(err, poslink.ErrHashMismatch) {
		return answerNotPaid, "not paid: hash mismatch"
	}
	st, kind, words := g.transactionStatus(ctx, s, first0)
	if kind == answerUnresolved {
		return kind, words
	}
	if st.Response.Result == poslink.ResultSuccess && st.Category == poslink.CategoryPayment && st.Result.Approved {
		return answerPaid, "paid (TransactionStatus), reference " + st.Result.Reference
	}
	return answerNotPaid, "not paid: " + words
}

// transactionStatus asks for the outcome of the request with serviceID
// until it is final: retried while the link fails or the answer is
// InProgress, for at most 10 s, across terminal restarts.
func (g *rig) transactionStatus(ctx context.Context, s *sale, serviceID string) (poslink.Status, answerKind, string) {
	g.stats.add("TransactionStatus settlements", 1)
	deadline := time.Now().Add(10 * time.Second)
	var last string
	for tries := 1; time.Now().Before(deadline); tries++ {
		g.term.ensureUp()
		tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		st, err := g.link.TransactionStatus(tctx, saleID, g.newServiceID(), poslink.MessageReference{SaleID: saleID, ServiceID: serviceID})
		cancel()
		switch {
		case err != nil:
			last = err.Error()
		case st.Response.Result == poslink.ResultSuccess:
			words := fmt.Sprintf("%s repeated: approved=%v %s %s", st.Category, st.Result.Approved, st.Result.Condition, st.Result.Reason)
			s.logf("TransactionStatus try %d: %s", tries, words)
			return st, answerNotPaid, words
		case st.Response.ErrorCondition == poslink.CondInProgress:
			last = "InProgress"
		default:
			words := fmt.Sprintf("TransactionStatus %s %s", st.Response.ErrorCondition,
				poslink.ParseAdditional(st.Response.AdditionalResponse).Get(poslink.AddMessage))
			s.logf("TransactionStatus try %d: %s", tries, words)
			return st, answerNotPaid, words
		}
		time.Sleep(150 * time.Millisecond)
	}
	g.stats.add("TransactionStatus unresolved after 10 s", 1)
	s.logf("TransactionStatus unresolved: %s", last)
	return poslink.Status{}, answerUnresolved, "unresolved: " + last
}

// customer plays the customer for one attempt: confirm the order (only
// this sale's), choose the payment code, scan a fresh one; the planned
// kill or cut happens at its step.
func (g *rig) customer(ctx context.Context, s *sale, p attemptPlan, crash func(killPoint)) {
	cut := func(at cutPoint) {
		if p.cut == at {
			n := g.posProxy.Cut(p.cutReset)
			s.logf("cut pos link %s: %d connection(s)", at, n)
		}
	}
	var confirmed, chosen time.Time
	for ctx.Err() == nil {
		st, err := g.term.state()
		if err != nil || st.OrderHash != s.hash {
			sleep(ctx, 10*time.Millisecond)
			continue
		}
		switch st.Screen {
		case "order":
			if time.Since(confirmed) < 500*time.Millisecond {
				break
			}
			cut(cutBeforeConfirm)
			if p.kill == killBeforeConfirm {
				crash(killBeforeConfirm)
				return
			}
			if g.term.tap(ctx, st, "confirm") {
				confirmed = time.Now()
			}
		case "method":
			if time.Since(chosen) < 500*time.Millisecond {
				break
			}
			if p.kill == killAfterConfirm {
				crash(killAfterConfirm)
				return
			}
			cut(cutAfterConfirm)
			if g.term.tap(ctx, st, "choose-code") {
				chosen = time.Now()
			}
		case "show-code":
			if !st.ScannerArmed {
				break
			}
			c, err := g.host.Host.IssueCode(ctx, s.account)
			if err != nil {
				return
			}
			if err := g.term.scan(ctx, c.Code); err != nil {
				s.logf("scan: %v", err)
				break
			}
			sleep(ctx, p.scanDelay)
			if p.kill == killAfterScan {
				crash(killAfterScan)
				return
			}
			cut(cutAfterScan)
			return
		}
		sleep(ctx, 10*time.Millisecond)
	}
}

// cleanup reads what the customer sees, then brings the terminal back to
// a state that takes a new order: a session still open (a relay outcome
// that never arrived, a POS that gave up) is aborted over a clean link,
// and a terminal that does not go idle is restarted.
func (g *rig) cleanup(ctx context.Context, s *sale) error {
	g.mu.Lock()
	ref := poslink.MessageReference{SaleID: saleID, ServiceID: g.lastReq, MessageCategory: poslink.CategoryPayment}
	g.mu.Unlock()
	if s.mode == pos.Relay {
		ref.MessageCategory = poslink.CategoryCardAcquisition
	}
	for i := 0; i < 10; i++ {
		st, err := g.term.state()
		if err == nil && (st.Phase == "idle" || st.Phase == "done" || st.Phase == "refused") {
			return nil
		}
		if err == nil && i == 0 {
			s.logf("terminal left in phase %s (screen %s): aborting", st.Phase, st.Screen)
			g.stats.add("cleanup aborts", 1)
		}
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		g.clean.Abort(actx, saleID, g.newServiceID(), ref, "MerchantAbort")
		cancel()
		sleep(ctx, 50*time.Millisecond)
	}
	s.logf("terminal does not go idle: restarting")
	g.stats.add("cleanup restarts", 1)
	return g.term.crash()
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// newAgent is the product's POS agent on the faulted link and payment
// host, verifying the terminal's dev key.
func (g *rig) newAgent() {
	g.agent = &pos.Agent{
		Terminal:     g.link,
		POIID:        devPOIID,
		SaleID:       saleID,
		Payer:        payhost.NewHTTPClient("http://"+g.payProxy.Addr(), &http.Client{Timeout: 5 * time.Second}),
		Pairing:      pos.PairingOf(devPOIID, attest.DevKey().Public().(ed25519.PublicKey)),
		Log:          slog.New(slog.DiscardHandler),
		NewServiceID: g.newServiceID,
	}
}
