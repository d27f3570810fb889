package sandbox_test

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// model is what the books should say, kept by the test alone.
type model struct {
	accounts map[string]*modelAccount
	ids      []string
	codes    []*modelCode
	faces    map[int][]string // colour (faceCrops) → the accounts that enrolled it
	sealed   map[string]int   // a face AuthCode sent → its colour
	payments map[string]modelPayment
	trades   []string // out_trade_nos in order of use
}

type modelAccount struct {
	currency string
	balance  int64
}

type modelCode struct {
	code, account string
	expires       time.Time
	used          bool
}

type modelPayment struct {
	req    payhost.PayRequest
	answer payhost.Payment
}

// predict says how a new payment should end: status and reason.
func (m *model) predict(req payhost.PayRequest, now time.Time) (payhost.Status, string, string) {
	account := ""
	if face, ok := m.sealed[req.AuthCode]; ok {
		switch owners := m.faces[face]; len(owners) {
		case 0: // the other colours are far
			return payhost.StatusFail, payhost.ReasonFaceUnknown, ""
		case 1:
			account = owners[0]
		default: // look-alikes: no phone digits were sent
			return payhost.StatusFail, payhost.ReasonPhoneDigitsRequired, ""
		}
	} else {
		c := m.code(req.AuthCode)
		switch {
		case c == nil:
			return payhost.StatusFail, payhost.ReasonCodeUnknown, ""
		case c.used:
			return payhost.StatusFail, payhost.ReasonCodeUsed, ""
		case !now.Before(c.expires):
			return payhost.StatusFail, payhost.ReasonCodeExpired, ""
		}
		account = c.account
	}
	a := m.accounts[account]
	switch {
	case a.currency != req.Currency:
		return payhost.StatusFail, payhost.ReasonCurrencyMismatch, ""
	case a.balance < req.Amount:
		return payhost.StatusFail, payhost.ReasonInsufficientFunds, ""
	}
	return payhost.StatusSuccess, "", account
}

func (m *model) code(s string) *modelCode {
	for _, c := range m.codes {
		if c.code == s {
			return c
		}
	}
	return nil
}

// faceCrops are eight "people" for sandboxtest.ColourFaces: the corners
// of the colour cube, ≥ 0.76 apart, far beyond the threshold.
var faceCrops = func() [][]byte {
	var crops [][]byte
	for i := range 8 {
		c := color.RGBA{30, 30, 30, 255}
		if i&1 != 0 {
			c.R = 225
		}
		if i&2 != 0 {
			c.G = 225
		}
		if i&4 != 0 {
			c.B = 225
		}
		crops = append(crops, sandboxtest.ColourCrop(c))
	}
	return crops
}()

// TestLedgerProperty runs random sequences of every operation against the
// sandbox, compares each answer with a model, and checks Verify after each
// step and the balances at the end.
func TestLedgerProperty(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			runLedgerProperty(t, seed, 250)
		})
	}
}

func runLedgerProperty(t *testing.T, seed uint64, steps int) {
	env := sandboxtest.Start(t, sandbox.Options{})
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	currencies := []string{"CNY", "CNY", "EUR", "JPY"}
	m := &model{accounts: map[string]*modelAccount{}, faces: map[int][]string{}, sealed: map[string]int{}, payments: map[string]modelPayment{}}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

	for step := range steps {
		op := rng.IntN(10)
		if len(m.ids) == 0 {
			op = 0
		}
		switch op {
		case 0: // open an account
			cur := pick(currencies)
			bal := rng.Int64N(5000)
			a, err := env.Host.CreateAccount(ctx, sandbox.NewAccount{Name: fmt.Sprint("cust", step), Currency: cur, Balance: bal})
			if err != nil {
				t.Fatal(err)
			}
			m.accounts[a.ID] = &modelAccount{currency: cur, balance: bal}
			m.ids = append(m.ids, a.ID)
		case 1, 2: // issue a code
			id := pick(m.ids)
			c, err := env.Host.IssueCode(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			m.codes = append(m.codes, &modelCode{code: c.Code, account: id, expires: c.ExpiresAt})
		case 3: // enrol a face; one colour may go to two accounts (look-alikes)
			id := pick(m.ids)
			face := rng.IntN(len(faceCrops))
			if _, err := env.Host.EnrolFace(ctx, id, sandbox.NewFace{CropJPEG: faceCrops[face]}); err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(m.faces[face], id) {
				m.faces[face] = append(m.faces[face], id)
			}
		case 4, 5, 6: // pay under a new out_trade_no
			auth, face := randomAuth(rng, m)
			req := payReq(fmt.Sprint("t", step), auth, 1+rng.Int64N(2500))
			if face >= 0 { // sealed for this very request
				req.AuthCode = sandboxtest.FaceAuth(t, req, faceCrops[face])
				m.sealed[req.AuthCode] = face
			}
			req.Currency = pick(currencies)
			if rng.IntN(4) > 0 && len(m.codes) > 0 { // mostly the right currency
				if c := m.code(req.AuthCode); c != nil {
					req.Currency = m.accounts[c.account].currency
				}
			}
			req = env.Sign(req)
			status, reason, account := m.predict(req, env.Clock.Now())
			p, err := env.Client.Pay(ctx, req)
			if err != nil {
				t.Fatalf("step %d: pay: %v", step, err)
			}
			if p.Status != status || p.Reason != reason || p.AccountID != account {
				t.Fatalf("step %d: pay %s: %s %s %s, model says %s %s %s", step, req, p.Status, p.Reason, p.AccountID, status, reason, account)
			}
			if status == payhost.StatusSuccess {
				m.accounts[account].balance -= req.Amount
				if c := m.code(req.AuthCode); c != nil {
					c.used = true
				}
			}
			m.payments[req.OutTradeNo] = modelPayment{req: req, answer: p}
			m.trades = append(m.trades, req.OutTradeNo)
		case 7: // replay an earlier request exactly
			if len(m.trades) == 0 {
				break
			}
			prev := m.payments[pick(m.trades)]
			p, err := env.Client.Pay(ctx, prev.req)
			if err != nil {
				t.Fatalf("step %d: replay: %v", step, err)
			}
			if stripTimes(p) != stripTimes(prev.answer) {
				t.Fatalf("step %d: replay of %s answered %+v, first answer %+v", step, prev.req.OutTradeNo, p, prev.answer)
			}
		case 8: // reverse a known or an unknown out_trade_no
			no := fmt.Sprint("never", step)
			if len(m.trades) > 0 && rng.IntN(5) > 0 {
				no = pick(m.trades)
			}
			p, err := env.Client.Reverse(ctx, no)
			if err != nil {
				t.Fatalf("step %d: reverse: %v", step, err)
			}
			prev, known := m.payments[no]
			switch {
			case !known:
				if p.Status != payhost.StatusReversed || p.Reason != payhost.ReasonNotPaid {
					t.Fatalf("step %d: reverse unknown: %+v", step, p)
				}
				m.trades = append(m.trades, no)
				m.payments[no] = modelPayment{req: payReq(no, "139999999999999999", 1), answer: p}
			case prev.answer.Status == payhost.StatusSuccess:
				if p.Status != payhost.StatusReversed {
					t.Fatalf("step %d: reverse: %+v", step, p)
				}
				m.accounts[prev.answer.AccountID].balance += prev.answer.Amount
				prev.answer = p
				m.payments[no] = prev
			default:
				if stripTimes(p) != stripTimes(prev.answer) {
					t.Fatalf("step %d: reverse of %s changed it: %+v → %+v", step, prev.answer.Status, prev.answer, p)
				}
			}
		case 9: // let time pass
			env.Clock.Advance(time.Duration(rng.IntN(40)) * time.Second)
		}
		if err := env.Host.Verify(ctx); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	for id, want := range m.accounts {
		got, err := env.Host.Account(ctx, id)
		if err != nil || got.Balance != want.balance {
			t.Errorf("account %s: balance %d %v, model %d", id, got.Balance, err, want.balance)
		}
	}
}

// randomAuth picks a credential: mostly an issued code (fresh or not),
// sometimes a face (face ≥ 0: the caller seals faceCrops[face] for the
// request), an unknown or a malformed-looking-but-valid code.
func randomAuth(rng *rand.Rand, m *model) (auth string, face int) {
	switch n := rng.IntN(10); {
	case n < 6 && len(m.codes) > 0:
		return m.codes[rng.IntN(len(m.codes))].code, -1
	case n < 8:
		return "", rng.IntN(len(faceCrops))
	default:
		return fmt.Sprintf("14%016d", rng.Int64N(1e16)), -1 // never issued: the sandbox's start with 13
	}
}

// TestConcurrentPays: 50 payments at once on one account that can afford
// 30 of them: exactly 30 succeed and the balance never goes below zero.
func TestConcurrentPays(t *testing.T) {
	const (
		payers     = 50
		affordable = 30
		amount     = 100
	)
	env := sandboxtest.Start(t, sandbox.Options{})
	ctx := t.Context()
	acct := env.Account(t, "Shared", "CNY", affordable*amount)
	codes := make([]string, payers)
	for i := range codes {
		codes[i] = env.Code(t, acct.ID)
	}

	stop := make(chan struct{})
	var watch sync.WaitGroup
	var lowest int64 = affordable * amount
	watch.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			a, err := env.Host.Account(ctx, acct.ID)
			if err != nil {
				t.Error(err)
				return
			}
			lowest = min(lowest, a.Balance)
		}
	})

	results := make([]payhost.Payment, payers)
	errs := make([]error, payers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range payers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = env.Client.Pay(ctx, env.Sign(payReq(fmt.Sprint("c", i), codes[i], amount)))
		})
	}
	close(start)
	wg.Wait()
	close(stop)
	watch.Wait()

	count := map[string]int{}
	for i, p := range results {
		if errs[i] != nil {
			t.Fatalf("payer %d: %v", i, errs[i])
		}
		count[string(p.Status)+" "+p.Reason]++
	}
	if count["SUCCESS "] != affordable || count["FAIL "+payhost.ReasonInsufficientFunds] != payers-affordable {
		t.Errorf("outcomes %v, want %d SUCCESS and %d INSUFFICIENT_FUNDS", count, affordable, payers-affordable)
	}
	final, _ := env.Host.Account(ctx, acct.ID)
	if final.Balance != 0 || lowest < 0 {
		t.Errorf("final balance %d, lowest seen %d", final.Balance, lowest)
	}
	if err := env.Host.Verify(ctx); err != nil {
		t.Error(err)
	}
}
