package systemtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// console collects the guest's serial console (U-Boot, the kernel, PID
// 1's log) line by line, each timed from power-on.
type console struct {
	start time.Time
	mu    sync.Mutex
	lines []line
	more  chan struct{} // closed and replaced on every new line
}

// line is one console line and when it arrived, from power-on.
type line struct {
	at   time.Duration
	text string
}

func newConsole(start time.Time) (*console, io.WriteCloser) {
	c := &console{start: start, more: make(chan struct{})}
	r, w := io.Pipe()
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			for _, l := range splitPrintk(strings.TrimRight(sc.Text(), "\r")) {
				c.add(l)
			}
		}
		io.Copy(io.Discard, r)
	}()
	return c, w
}

// printkStamp starts a kernel message ("[    3.186436] ").
var printkStamp = regexp.MustCompile(`\[ *\d+\.\d{6}\] `)

// splitPrintk splits a console line where a kernel message broke into
// PID 1's unfinished line, so that neither line carries the other's text
// (a log value followed by "[    3.186436] IPv6: …").
func splitPrintk(text string) []string {
	var out []string
	start := 0
	for _, loc := range printkStamp.FindAllStringIndex(text, -1) {
		if loc[0] > start {
			out = append(out, text[start:loc[0]])
			start = loc[0]
		}
	}
	return append(out, text[start:])
}

func (c *console) add(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, line{time.Since(c.start), text})
	close(c.more)
	c.more = make(chan struct{})
}

// mark is the number of lines so far: pass it to waitAfter to look only
// at what comes next.
func (c *console) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.lines)
}

// waitAfter waits for a line from index from on that contains every one
// of subs, and returns it with its index. It gives up when ctx ends or
// stop is closed (QEMU exited).
func (c *console) waitAfter(ctx context.Context, stop <-chan struct{}, from int, subs ...string) (line, int, error) {
	for {
		c.mu.Lock()
		for i := from; i < len(c.lines); i++ {
			if containsAll(c.lines[i].text, subs) {
				l := c.lines[i]
				c.mu.Unlock()
				return l, i, nil
			}
		}
		from = len(c.lines)
		more := c.more
		c.mu.Unlock()
		select {
		case <-more:
		case <-stop:
			// The last lines may still be in the pipe: look once more.
			time.Sleep(100 * time.Millisecond)
			c.mu.Lock()
			for i := from; i < len(c.lines); i++ {
				if containsAll(c.lines[i].text, subs) {
					l := c.lines[i]
					c.mu.Unlock()
					return l, i, nil
				}
			}
			c.mu.Unlock()
			return line{}, -1, fmt.Errorf("QEMU exited before a console line with %q", subs)
		case <-ctx.Done():
			return line{}, -1, fmt.Errorf("no console line with %q: %w", subs, ctx.Err())
		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// find returns every line containing all of subs.
func (c *console) find(subs ...string) []line {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []line
	for _, l := range c.lines {
		if containsAll(l.text, subs) {
			out = append(out, l)
		}
	}
	return out
}

// between returns the lines from the first containing from to the next
// containing to, both included; nothing if either is missing.
func (c *console) between(from, to string) []line {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, l := range c.lines {
		if !strings.Contains(l.text, from) {
			continue
		}
		for j := i; j < len(c.lines); j++ {
			if strings.Contains(c.lines[j].text, to) {
				return append([]line(nil), c.lines[i:j+1]...)
			}
		}
		return nil
	}
	return nil
}

// text is the whole console with arrival times.
func (c *console) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, l := range c.lines {
		fmt.Fprintf(&b, "[%7.2fs] %s\n", l.at.Seconds(), l.text)
	}
	return b.String()
}

func TestSplitPrintk(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"plain", "plain"},
		{"[    0.397058] Asymmetric key parser 'x509' registered", "[    0.397058] Asymmetric key parser 'x509' registered"},
		{`msg="journal opened" entries=26[    3.186436] IPv6: ready`, `msg="journal opened" entries=26|[    3.186436] IPv6: ready`},
		{"a[    1.000000] b[   12.000001] c", "a|[    1.000000] b|[   12.000001] c"},
		{"[    1.000000] b[    2.000000] c", "[    1.000000] b|[    2.000000] c"},
	} {
		if got := strings.Join(splitPrintk(tc.line), "|"); got != tc.want {
			t.Errorf("splitPrintk(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
	if v := logValue(splitPrintk(`msg="journal opened" entries=26[    3.186436] IPv6: ready`)[0], "entries"); v != "26" {
		t.Errorf("entries = %q after the split, want 26", v)
	}
}

// logValue is the value of key in a log/slog text line (key=value or
// key="quoted value"), or "".
func logValue(text, key string) string {
	i := strings.Index(text, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := text[i+len(key)+2:]
	if strings.HasPrefix(v, `"`) {
		end := strings.Index(v[1:], `"`)
		if end < 0 {
			return v[1:]
		}
		return v[1 : end+1]
	}
	if end := strings.IndexByte(v, ' '); end >= 0 {
		return v[:end]
	}
	return v
}
