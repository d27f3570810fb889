package faults

import (
	"fmt"
	"math/rand"
	"strings"
	"time"

	"payterm/pos"
)

// killPoint is where an attempt SIGKILLs the terminal.
type killPoint int

const (
	killNone          killPoint = iota
	killBeforeConfirm           // order on screen, customer about to confirm
	killAfterConfirm            // method screen: capture about to start
	killAfterScan               // 0–10 ms after the code reached the scanner
	killDuringCharge            // the charge request just reached the payment host
	killAfterCharge             // the host answered; the answer has not been forwarded
)

var killNames = [...]string{"none", "before-confirm", "after-confirm", "after-scan", "during-charge", "after-charge-answer"}

func (k killPoint) String() string { return killNames[k] }

// cutPoint is where an attempt cuts the POS's live link connection.
type cutPoint int

const (
	cutNone cutPoint = iota
	cutBeforeConfirm
	cutAfterConfirm
	cutAfterScan // 0–10 ms after the scan: the charge is starting (direct)
)

var cutNames = [...]string{"none", "before-confirm", "after-confirm", "after-scan"}

func (c cutPoint) String() string { return cutNames[c] }

// attemptPlan is what one attempt at a sale does wrong, drawn from the
// sale's seed. Exchanges on each hop are numbered from the attempt's
// start; the listed faults apply to the first ones, the rest get
// background faults.
type attemptPlan struct {
	kill      killPoint
	cut       cutPoint
	cutReset  bool
	scanDelay time.Duration // before a kill or cut after the scan
	pos       []Fault       // POS → terminal: [Payment|CardAcquisition, (relay) Display]
	host      []Fault       // terminal → host: [the direct charge]
	pay       []Fault       // POS → host (relay charge): [pay, query]
	seeds     [3]int64      // background fault streams, one per hop
}

func (p attemptPlan) String() string {
	var parts []string
	if p.kill != killNone {
		parts = append(parts, "kill "+p.kill.String())
	}
	if p.cut != cutNone {
		how := "close"
		if p.cutReset {
			how = "reset"
		}
		parts = append(parts, fmt.Sprintf("cut pos link (%s) %s", how, p.cut))
	}
	for _, h := range []struct {
		name string
		fs   []Fault
	}{{"pos", p.pos}, {"host", p.host}, {"pay", p.pay}} {
		for i, f := range h.fs {
			if f.Kind != Pass {
				parts = append(parts, fmt.Sprintf("%s#%d %s", h.name, i, f.Kind))
			}
		}
	}
	if len(parts) == 0 {
		return "no planned fault"
	}
	return strings.Join(parts, ", ")
}

// signature is the plan's main fault, for grouping failures.
func (p attemptPlan) signature() string {
	switch {
	case p.kill != killNone:
		return "kill " + p.kill.String()
	case p.cut != cutNone:
		return "cut pos link " + p.cut.String()
	}
	for _, h := range []struct {
		name string
		fs   []Fault
	}{{"terminal-host", p.host}, {"pos-terminal", p.pos}, {"pos-host", p.pay}} {
		for i, f := range h.fs {
			if f.Kind != Pass && f.Kind != Delay {
				return fmt.Sprintf("%s exchange %d %s", h.name, i, f.Kind)
			}
		}
	}
	return "delays only"
}

// primaryFault draws the fault of a planned exchange.
func primaryFault(r *rand.Rand) Fault {
	x := r.Float64()
	switch {
	case x < 0.35:
		return Fault{Kind: Pass}
	case x < 0.60:
		return Fault{Kind: Delay, Delay: randDelay(r)}
	case x < 0.68:
		return Fault{Kind: DropRequest}
	case x < 0.76:
		return Fault{Kind: ResetRequest}
	case x < 0.88:
		return Fault{Kind: DropAnswer}
	}
	return Fault{Kind: ResetAnswer}
}

// backgroundFault is the fault of any other exchange: mostly clean.
func backgroundFault(r *rand.Rand) Fault {
	x := r.Float64()
	switch {
	case x < 0.20:
		return Fault{Kind: Delay, Delay: randDelay(r)}
	case x < 0.23:
		return Fault{Kind: DropAnswer}
	case x < 0.25:
		return Fault{Kind: ResetRequest}
	}
	return Fault{Kind: Pass}
}

func randDelay(r *rand.Rand) time.Duration { return time.Duration(1+r.Intn(300)) * time.Millisecond }

// drawPlan draws one attempt's plan. About a quarter of attempts kill the
// terminal, a sixth cut the POS link; every attempt draws faults for the
// exchanges that matter in its mode.
func drawPlan(r *rand.Rand, mode pos.Mode) attemptPlan {
	p := attemptPlan{scanDelay: time.Duration(r.Intn(11)) * time.Millisecond}
	switch x := r.Float64(); {
	case x < 0.25:
		p.kill = killPoint(1 + r.Intn(5))
	case x < 0.42:
		p.cut = cutPoint(1 + r.Intn(3))
		p.cutReset = r.Intn(2) == 0
	}
	p.pos = []Fault{primaryFault(r)}
	if mode == pos.Relay {
		p.pos = append(p.pos, primaryFault(r)) // the outcome Display
		p.pay = []Fault{primaryFault(r), primaryFault(r)}
	} else {
		p.host = []Fault{primaryFault(r)}
	}
	for i := range p.seeds {
		p.seeds[i] = r.Int63()
	}
	return p
}

// decider applies planned faults to the first exchanges on a hop from now
// on, then background ones. The proxy calls it under its lock, one
// exchange at a time.
func decider(planned []Fault, seed int64) func(int) Fault {
	r := rand.New(rand.NewSource(seed))
	i := 0
	return func(int) Fault {
		defer func() { i++ }()
		if i < len(planned) {
			return planned[i]
		}
		return backgroundFault(r)
	}
}
