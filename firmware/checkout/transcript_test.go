package checkout

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"payterm/firmware/order"
)

// Golden transcripts: testdata/*.txt hold a config line and events, each
// followed by the effects Step returned and the state after it. Lines
// starting with "<" (an effect) or "=" (the state) are output: the test
// regenerates them from the rest and compares; -update rewrites the files.
//
//	# comment
//	config scan camera face-key [order=30s ...]  devices fitted, the face key held; timeouts by phase (order flagged method capture outcome result question)
//	> order req=r1 mode=relay id=T-1 cur=EUR line="1|Apple|2||1.49" [discount="Coupon|0.50"] [total=2.48]
//	> touch confirm | toggle-line line=2 | mark-lines lines=1,2 | page page=1 | ...
//	> scan code=1234
//	> face token=abc
//	> guidance hint=hold-still box=10,20,110,140 frame=640x480 progress=0.5
//	> outcome approved|declined [reason=...] [ref=...]
//	> abort [reason=...]
//	> ask req=q1 text="Receipt?"
//	> tick 90s                              (time since the transcript's epoch)
//
// Order lines are "id|label|quantity|unit|unit price[|discount]", amounts
// in major units; line amounts are computed, total defaults to the sum.
var update = flag.Bool("update", false, "rewrite testdata/*.txt with the effects Step returns now")

// epoch is time zero of every transcript.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := replay(string(src))
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(src) {
				t.Errorf("%s differs from what Step does now (run with -update after checking):\n%s", file, firstDiff(string(src), got))
			}
		})
	}
}

// replay runs the transcript's events and returns the transcript with
// fresh output lines.
func replay(src string) (string, error) {
	var out strings.Builder
	var s State
	started := false
	sc := bufio.NewScanner(strings.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "<"), strings.HasPrefix(line, "="):
			continue
		case strings.HasPrefix(line, "config"):
			cfg, err := parseConfig(line)
			if err != nil {
				return "", fmt.Errorf("line %d: %w", n, err)
			}
			s, started = New(cfg), true
			out.WriteString(line + "\n")
		case strings.HasPrefix(line, ">"):
			if !started {
				return "", fmt.Errorf("line %d: event before config", n)
			}
			ev, err := parseEvent(strings.TrimSpace(line[1:]))
			if err != nil {
				return "", fmt.Errorf("line %d: %w", n, err)
			}
			var effects []Effect
			s, effects = Step(s, ev)
			out.WriteString(line + "\n")
			for _, e := range effects {
				out.WriteString("< " + formatEffect(e) + "\n")
			}
			out.WriteString("= " + formatState(s) + "\n")
		default:
			out.WriteString(line + "\n")
		}
	}
	return out.String(), sc.Err()
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\n file: %s\n now:  %s", i+1, wl, gl)
		}
	}
	return "(no difference)"
}

// fields splits a line at spaces; a double-quoted Go string may appear
// anywhere in a field and is unquoted in place.
func fields(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out, nil
		}
		var b strings.Builder
		for s != "" && s[0] != ' ' && s[0] != '\t' {
			if s[0] != '"' {
				b.WriteByte(s[0])
				s = s[1:]
				continue
			}
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoting in %q: %w", s, err)
			}
			u, _ := strconv.Unquote(q)
			b.WriteString(u)
			s = s[len(q):]
		}
		out = append(out, b.String())
	}
}

// args splits fields into positionals and key=value pairs; a key may repeat.
func args(fs []string) (pos []string, kv map[string][]string) {
	kv = map[string][]string{}
	for _, f := range fs {
		if k, v, ok := strings.Cut(f, "="); ok {
			kv[k] = append(kv[k], v)
		} else {
			pos = append(pos, f)
		}
	}
	return pos, kv
}

func one(kv map[string][]string, k string) string {
	if v := kv[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

func parseConfig(line string) (Config, error) {
	fs, err := fields(strings.TrimPrefix(line, "config"))
	if err != nil {
		return Config{}, err
	}
	pos, kv := args(fs)
	var cfg Config
	for _, p := range pos {
		switch p {
		case "scan":
			cfg.HasScan = true
		case "camera":
			cfg.HasCamera = true
		case "face-key":
			cfg.FaceKey = true
		case "none":
		default:
			return Config{}, fmt.Errorf("config: unknown device %q", p)
		}
	}
	timeouts := map[string]*time.Duration{
		"order": &cfg.Timeouts.Order, "flagged": &cfg.Timeouts.Flagged, "method": &cfg.Timeouts.Method,
		"capture": &cfg.Timeouts.Capture, "outcome": &cfg.Timeouts.Outcome, "result": &cfg.Timeouts.Result,
		"question": &cfg.Timeouts.Question,
	}
	for k := range kv {
		d, ok := timeouts[k]
		if !ok {
			return Config{}, fmt.Errorf("config: unknown timeout %q", k)
		}
		if *d, err = time.ParseDuration(one(kv, k)); err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
	}
	return cfg, nil
}

func parseEvent(s string) (Event, error) {
	fs, err := fields(s)
	if err != nil || len(fs) == 0 {
		return nil, fmt.Errorf("event %q: %v", s, err)
	}
	pos, kv := args(fs[1:])
	arg := func(i int) string {
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	switch fs[0] {
	case "order":
		return parseOrder(kv)
	case "touch":
		a := slices.Index(actionNames[:], arg(0))
		if a < 0 {
			return nil, fmt.Errorf("touch: unknown action %q", arg(0))
		}
		t := Touch{Action: Action(a), Line: one(kv, "line")}
		if l := one(kv, "lines"); l != "" {
			t.Lines = strings.Split(l, ",")
		}
		if p := one(kv, "page"); p != "" {
			if t.Page, err = strconv.Atoi(p); err != nil {
				return nil, fmt.Errorf("touch: %w", err)
			}
		}
		return t, nil
	case "scan":
		return CodeScanned{Code: one(kv, "code")}, nil
	case "face":
		return FaceCaptured{Token: one(kv, "token")}, nil
	case "guidance":
		return parseGuidance(kv)
	case "outcome":
		if arg(0) != "approved" && arg(0) != "declined" {
			return nil, fmt.Errorf("outcome: want approved or declined, got %q", arg(0))
		}
		return Outcome{Req: RequestID(one(kv, "req")), Owner: one(kv, "owner"), Approved: arg(0) == "approved",
			Reason: one(kv, "reason"), Reference: one(kv, "ref")}, nil
	case "abort":
		return Abort{Req: RequestID(one(kv, "req")), Owner: one(kv, "owner"), Hangup: arg(0) == "hangup", Reason: one(kv, "reason")}, nil
	case "charged":
		st := slices.Index(chargeStatusNames[:], arg(0))
		if st < 0 {
			return nil, fmt.Errorf("charged: unknown status %q", arg(0))
		}
		return ChargeResult{Ref: one(kv, "ref"), Status: ChargeStatus(st), Reference: one(kv, "reference"), Reason: one(kv, "reason")}, nil
	case "recovered":
		var r Recovered
		for _, spec := range kv["attempt"] {
			p := strings.Split(spec, "|")
			if len(p) != 5 {
				return nil, fmt.Errorf("recovered: attempt %q: want ref|req|hash-hex|amount|currency", spec)
			}
			a := OpenAttempt{Ref: p[0], Req: RequestID(p[1]), Currency: p[4]}
			copy(a.Hash[:], []byte(p[2]))
			if a.Amount, err = strconv.ParseInt(p[3], 10, 64); err != nil {
				return nil, fmt.Errorf("recovered: %w", err)
			}
			r.Attempts = append(r.Attempts, a)
		}
		return r, nil
	case "journal-failed":
		return JournalFailed{Kind: one(kv, "kind"), Err: one(kv, "err")}, nil
	case "health":
		return Health{Storage: one(kv, "storage")}, nil
	case "ask":
		return Ask{Req: RequestID(one(kv, "req")), Text: one(kv, "text")}, nil
	case "tick":
		d, err := time.ParseDuration(arg(0))
		if err != nil {
			return nil, fmt.Errorf("tick: %w", err)
		}
		return Tick{Now: epoch.Add(d)}, nil
	}
	return nil, fmt.Errorf("unknown event %q", fs[0])
}

func parseOrder(kv map[string][]string) (OrderReceived, error) {
	e := OrderReceived{Req: RequestID(one(kv, "req")), Owner: one(kv, "owner")}
	if n := one(kv, "attempts"); n != "" {
		var err error
		if e.History.Attempts, err = strconv.Atoi(n); err != nil {
			return e, fmt.Errorf("order: attempts: %w", err)
		}
	}
	if ref := one(kv, "paid"); ref != "" {
		e.History.Paid, e.History.Ref, e.History.Reference = true, ref, one(kv, "paid-reference")
	}
	switch m := one(kv, "mode"); m {
	case "relay":
		e.Mode = Relay
	case "direct":
		e.Mode = Direct
	default:
		n, err := strconv.Atoi(m)
		if err != nil {
			return e, fmt.Errorf("order: mode %q", m)
		}
		e.Mode = Mode(n)
	}
	// An unknown currency is kept as given so that refusals can be tested.
	cur, err := order.LookupCurrency(one(kv, "cur"))
	if err != nil {
		cur = order.Currency{Code: one(kv, "cur"), Exponent: 2}
	}
	o := order.Order{ID: one(kv, "id"), Currency: cur}
	for _, spec := range kv["line"] {
		p := strings.Split(spec, "|")
		if len(p) < 5 || len(p) > 6 {
			return e, fmt.Errorf("order: line %q: want id|label|qty|unit|price[|discount]", spec)
		}
		l := order.Line{ID: p[0], Label: p[1], Unit: p[3]}
		var errs [3]error
		l.Quantity, errs[0] = order.ParseQuantity(p[2])
		l.UnitPrice, errs[1] = order.ParseAmount(p[4], cur)
		if len(p) == 6 {
			l.Discount, errs[2] = order.ParseAmount(p[5], cur)
		}
		if err := errors.Join(errs[:]...); err != nil {
			return e, err
		}
		l.Amount = order.LineAmount(l.Quantity, l.UnitPrice)
		o.Lines = append(o.Lines, l)
	}
	for _, spec := range kv["discount"] {
		label, amount, _ := strings.Cut(spec, "|")
		a, err := order.ParseAmount(amount, cur)
		if err != nil {
			return e, err
		}
		o.Discounts = append(o.Discounts, order.Discount{Label: label, Amount: a})
	}
	o.Total = o.Sum()
	if t := one(kv, "total"); t != "" {
		if o.Total, err = order.ParseAmount(t, cur); err != nil {
			return e, err
		}
	}
	e.Order = o
	return e, nil
}

// short is enough of a hash to tell orders apart when reading.
func short(h order.Hash) string {
	if h.IsZero() {
		return "-"
	}
	return h.String()[:8]
}

var replyKinds = [...]string{"credential", "result", "flagged", "refused", "answer"}

func formatEffect(e Effect) string {
	switch e := e.(type) {
	case Show:
		return "show " + formatView(e.View)
	case StartScanner:
		return "start-scanner"
	case StopScanner:
		return "stop-scanner"
	case StartCamera:
		if !e.Hash.IsZero() {
			return "start-camera " + e.Purpose.String() + " hash=" + short(e.Hash)
		}
		return "start-camera " + e.Purpose.String()
	case StopCamera:
		return "stop-camera"
	case Beep:
		if e.OK {
			return "beep ok"
		}
		return "beep fail"
	case Journal:
		r := e.Record
		s := fmt.Sprintf("journal %s hash=%s", r.Kind, short(r.Hash))
		if r.Method != NoMethod {
			s += " method=" + r.Method.String()
		}
		if r.Detail != "" {
			s += " detail=" + strconv.Quote(r.Detail)
		}
		if r.Ref != "" {
			s += " ref=" + r.Ref
		}
		if r.Req != "" {
			s += " req=" + string(r.Req)
		}
		if r.Currency != "" {
			s += fmt.Sprintf(" amount=%d %s", r.Amount, r.Currency)
		}
		if r.Kind == RecordOutcome && r.Status != ChargeUnknown {
			s += " status=" + r.Status.String()
		}
		if r.Reference != "" {
			s += " reference=" + strconv.Quote(r.Reference)
		}
		return s
	case Charge:
		return fmt.Sprintf("charge %s req=%s order=%s@%s hash=%s %s:%s", e.Attempt.Ref, e.Req,
			e.Order.ID, short(e.Order.Hash()), short(e.Hash), e.Credential.Method, e.Credential.Code)
	case QueryCharge:
		return "query " + e.Ref
	case ReverseCharge:
		return "reverse " + e.Ref
	case Settle:
		s := fmt.Sprintf("settle req=%s %s approved=%t amount=%d %s", e.Req, e.Ref, e.Approved, e.Amount, e.Currency)
		if e.Cond != CondNone {
			s += " cond=" + e.Cond.String()
		}
		if e.Reference != "" {
			s += " reference=" + strconv.Quote(e.Reference)
		}
		return s
	case Reply:
		s := fmt.Sprintf("reply to=%s %s hash=%s", e.To, replyKinds[e.Kind], short(e.Hash))
		switch e.Kind {
		case ReplyCredential:
			s += fmt.Sprintf(" %s:%s", e.Credential.Method, e.Credential.Code)
		case ReplyResult, ReplyAnswer:
			s += fmt.Sprintf(" approved=%t", e.Approved)
		case ReplyFlagged:
			s += " lines=" + strings.Join(e.Lines, ",")
		}
		if e.Cond != CondNone {
			s += " cond=" + e.Cond.String()
		}
		if e.Reason != "" {
			s += " reason=" + strconv.Quote(e.Reason)
		}
		if e.Ref != "" {
			s += " attempt=" + e.Ref
		}
		if e.Reference != "" {
			s += " ref=" + strconv.Quote(e.Reference)
		}
		return s
	}
	return fmt.Sprintf("unknown %T", e)
}

func formatView(v View) string {
	s := v.Screen.String()
	if v.Order != nil {
		s += fmt.Sprintf(" order=%s@%s total=%q", v.Order.ID, short(v.Order.Hash()), order.Display(v.Order.Total, v.Order.Currency))
	}
	if len(v.Marked) > 0 {
		s += " marked=" + strings.Join(sortedMarked(v.Marked), ",")
	}
	if v.Page != 0 {
		s += fmt.Sprintf(" page=%d", v.Page)
	}
	if v.Corrected {
		s += " corrected"
	}
	if len(v.Methods) > 0 {
		var ms []string
		for _, m := range v.Methods {
			ms = append(ms, m.String())
		}
		s += " methods=" + strings.Join(ms, ",")
	}
	if v.Method != NoMethod {
		s += " method=" + v.Method.String()
	}
	if v.Message != "" {
		s += " msg=" + strconv.Quote(v.Message)
	}
	if v.Face != (FaceView{}) {
		f := v.Face
		s += fmt.Sprintf(" face=%v progress=%d%% left=%ds", f.Hint, f.Progress, f.Left)
		if !f.Box.Empty() {
			s += fmt.Sprintf(" box=%d,%d,%d,%d in %dx%d", f.Box.Min.X, f.Box.Min.Y, f.Box.Max.X, f.Box.Max.Y, f.Frame.X, f.Frame.Y)
		}
	}
	return s
}

// parseGuidance reads "guidance hint=… [box=x0,y0,x1,y1] [frame=WxH] [progress=0.5]".
func parseGuidance(kv map[string][]string) (FaceGuidance, error) {
	var g FaceGuidance
	h := slices.Index(faceHintNames[:], one(kv, "hint"))
	if h < 0 {
		return g, fmt.Errorf("guidance: unknown hint %q", one(kv, "hint"))
	}
	g.Hint = FaceHint(h)
	if b := one(kv, "box"); b != "" {
		if _, err := fmt.Sscanf(b, "%d,%d,%d,%d", &g.Box.Min.X, &g.Box.Min.Y, &g.Box.Max.X, &g.Box.Max.Y); err != nil {
			return g, fmt.Errorf("guidance: box: %w", err)
		}
	}
	if f := one(kv, "frame"); f != "" {
		if _, err := fmt.Sscanf(f, "%dx%d", &g.Frame.X, &g.Frame.Y); err != nil {
			return g, fmt.Errorf("guidance: frame: %w", err)
		}
	}
	if p := one(kv, "progress"); p != "" {
		var err error
		if g.Progress, err = strconv.ParseFloat(p, 64); err != nil {
			return g, fmt.Errorf("guidance: progress: %w", err)
		}
	}
	return g, nil
}

func formatState(s State) string {
	out := s.Phase().String()
	if s.Phase() == Idle {
		if refs := s.OpenRefs(); len(refs) > 0 {
			out += " open=" + strings.Join(refs, ",")
		}
		if s.Storage() != "" {
			out += " storage=" + strconv.Quote(s.Storage())
		}
		return out
	}
	if s.Phase() != Refused && s.Phase() != Asking {
		out += " " + s.Mode().String()
	}
	if p := s.Pending(); p != "" {
		out += " pending=" + string(p)
	}
	if h := s.Confirmed(); !h.IsZero() {
		out += " confirmed=" + short(h)
	}
	if s.Released() {
		out += " released"
	}
	if refs := s.OpenRefs(); len(refs) > 0 {
		out += " open=" + strings.Join(refs, ",")
	}
	if s.Storage() != "" {
		out += " storage=" + strconv.Quote(s.Storage())
	}
	if d, ok := s.Deadline(); ok {
		out += " deadline=" + d.Sub(epoch).String()
	} else {
		out += " deadline=next-tick"
	}
	return out
}
