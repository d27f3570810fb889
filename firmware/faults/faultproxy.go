// Package faults holds the fault-injection test of the money path (issue
// 6): a POS, the terminal and the payment host talking through TCP proxies
// that delay, drop and reset, with the terminal killed at random points.
// Only this package's tests use it.
package faults

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Kind is what a proxy does to one request/answer exchange.
type Kind int

const (
	Pass         Kind = iota
	Delay             // hold the request and the answer, Fault.Delay each
	DropRequest       // close both sides instead of forwarding the request
	ResetRequest      // RST both sides instead of forwarding the request
	DropAnswer        // forward the request; close both sides when the answer starts, unforwarded
	ResetAnswer       // the same with RST: the answer is lost after the far end acted
	Cut               // the test cut every live connection at a step of its choosing (Proxy.Cut)
	numKinds
)

var kindNames = [...]string{"pass", "delay", "drop-request", "reset-request", "drop-answer", "reset-answer", "cut"}

func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Fault is the decision for one exchange.
type Fault struct {
	Kind  Kind
	Delay time.Duration // Delay only
	Reset bool          // Cut only: RST rather than FIN
}

// Framing tells a proxy where requests and answers start in the bytes.
type Framing int

const (
	// Plain: HTTP/1.1 in the clear. The first bytes from the client after
	// an answer start a request; the first bytes back start its answer.
	Plain Framing = iota
	// TLS12: HTTP/1.1 inside TLS 1.2, passed through as bytes. Records of
	// type application_data (23) carry requests and answers; handshake
	// records pass untouched. TLS 1.3 encrypts its handshake tail and
	// session tickets as application data too, so the client must cap
	// the version at 1.2 for the proxy to tell them apart.
	TLS12
)

// Proxy forwards loopback TCP connections to Target and injects faults per
// exchange (one request and its answer). Decide is asked once per
// exchange, in order; n counts exchanges since the proxy started. The
// hooks run synchronously in the proxy's goroutines: OnRequest after a
// request was forwarded, OnAnswer before its answer is forwarded (or
// lost). Set the fields before Start; Decide and the hooks may be swapped
// with Set while running.
type Proxy struct {
	Hop     string // name in counts and reports: "pos-terminal", "terminal-host"
	Target  string // host:port
	Framing Framing

	ln net.Listener

	mu        sync.Mutex
	decide    func(n int) Fault
	onRequest func(n int)
	onAnswer  func(n int)
	n         int
	conns     map[*pconn]struct{}
	counts    [numKinds]int
	wg        sync.WaitGroup
}

// Start listens on a free loopback port.
func (p *Proxy) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("faults: proxy %s: %w", p.Hop, err)
	}
	p.ln = ln
	p.conns = map[*pconn]struct{}{}
	p.wg.Add(1)
	go p.accept()
	return nil
}

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Close stops accepting and cuts every live connection.
func (p *Proxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.kill(false)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// Set replaces the decision function and hooks (nil: pass, no hook).
func (p *Proxy) Set(decide func(n int) Fault, onRequest, onAnswer func(n int)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.decide, p.onRequest, p.onAnswer = decide, onRequest, onAnswer
}

// Cut ends every live connection now, with RST when reset, and counts one
// Cut per connection cut. It returns how many it cut.
func (p *Proxy) Cut(reset bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c := range p.conns {
		if c.kill(reset) {
			n++
		}
	}
	p.counts[Cut] += n
	return n
}

// Counts returns how many exchanges got each kind of fault (Pass
// included).
func (p *Proxy) Counts() map[Kind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := map[Kind]int{}
	for k, n := range p.counts {
		if n > 0 {
			m[Kind(k)] = n
		}
	}
	return m
}

// InFlight is the number of exchanges whose request was forwarded and
// whose answer has not started.
func (p *Proxy) InFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for c := range p.conns {
		c.mu.Lock()
		if c.state == requested && !c.dead {
			n++
		}
		c.mu.Unlock()
	}
	return n
}

// WaitQuiet waits until no exchange is in flight, for at most d.
func (p *Proxy) WaitQuiet(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for p.InFlight() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(c)
		}()
	}
}

type exchangeState int

const (
	idle      exchangeState = iota // waiting for a request
	requested                      // request forwarded, answer not started
)

// pconn is one proxied connection: the client's side and the target's.
type pconn struct {
	client, server net.Conn

	mu    sync.Mutex
	state exchangeState
	fault Fault
	n     int
	dead  bool
}

// kill closes both sides, with RST when reset; false if already dead.
func (c *pconn) kill(reset bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return false
	}
	c.dead = true
	for _, s := range []net.Conn{c.client, c.server} {
		if s == nil {
			continue
		}
		if tc, ok := s.(*net.TCPConn); ok && reset {
			tc.SetLinger(0)
		}
		s.Close()
	}
	return true
}

func (p *Proxy) serve(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.Target, 2*time.Second)
	if err != nil {
		// The target is down (a killed terminal): refuse like it would.
		if tc, ok := client.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		client.Close()
		return
	}
	c := &pconn{client: client, server: server}
	p.mu.Lock()
	p.conns[c] = struct{}{}
	p.mu.Unlock()
	defer func() {
		c.kill(false)
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
	}()
	done := make(chan bool, 2)
	go func() { done <- p.pump(c, client, server, true) }()
	go func() { done <- p.pump(c, server, client, false) }()
	if !<-done { // one side failed or was cut: end both
		c.kill(false)
	}
	<-done
}

// pump copies one direction, finding where exchanges start and applying
// the exchange's fault there. It reports whether src ended with a clean
// EOF that was passed on as a half-close.
func (p *Proxy) pump(c *pconn, src, dst net.Conn, toServer bool) bool {
	fr := framer{tls: p.Framing == TLS12}
	buf := make([]byte, 32<<10)
	for {
		nr, err := src.Read(buf)
		if nr > 0 {
			chunk := buf[:nr]
			if fr.feed(chunk) {
				var ok bool
				if toServer {
					ok = p.request(c, dst, chunk)
				} else {
					ok = p.answer(c, dst, chunk)
				}
				if !ok {
					return false
				}
			} else if _, werr := dst.Write(chunk); werr != nil {
				return false
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// Half-close: pass the FIN on and let the other side end.
				if tc, ok := dst.(*net.TCPConn); ok && tc.CloseWrite() == nil {
					return true
				}
			}
			return false
		}
	}
}

// request handles a chunk from the client that carries request bytes.
func (p *Proxy) request(c *pconn, dst net.Conn, chunk []byte) bool {
	c.mu.Lock()
	fresh := c.state == idle
	c.mu.Unlock()
	if !fresh { // the rest of a request already under way
		_, err := dst.Write(chunk)
		return err == nil
	}
	p.mu.Lock()
	n := p.n
	p.n++
	f := Fault{}
	if p.decide != nil {
		f = p.decide(n)
	}
	p.counts[f.Kind]++
	onRequest := p.onRequest
	p.mu.Unlock()
	c.mu.Lock()
	c.state, c.fault, c.n = requested, f, n
	c.mu.Unlock()
	switch f.Kind {
	case DropRequest, ResetRequest:
		c.kill(f.Kind == ResetRequest)
		return false
	case Delay:
		time.Sleep(f.Delay)
	}
	if _, err := dst.Write(chunk); err != nil {
		return false
	}
	if onRequest != nil {
		onRequest(n)
	}
	return true
}

// answer handles a chunk from the target that carries answer bytes.
func (p *Proxy) answer(c *pconn, dst net.Conn, chunk []byte) bool {
	c.mu.Lock()
	starts := c.state == requested
	c.state = idle
	f, n := c.fault, c.n
	c.mu.Unlock()
	if starts {
		p.mu.Lock()
		onAnswer := p.onAnswer
		p.mu.Unlock()
		if onAnswer != nil {
			onAnswer(n)
		}
		switch f.Kind {
		case DropAnswer, ResetAnswer:
			c.kill(f.Kind == ResetAnswer)
			return false
		case Delay:
			time.Sleep(f.Delay)
		}
	}
	_, err := dst.Write(chunk)
	return err == nil
}

// framer finds request or answer bytes in one direction of a connection.
type framer struct {
	tls  bool
	hdr  []byte // partial TLS record header
	need int    // bytes left of the current TLS record's body
}

// feed reports whether chunk carries request or answer bytes: any bytes
// in the clear; the start of an application_data record in TLS.
func (f *framer) feed(b []byte) bool {
	if !f.tls {
		return len(b) > 0
	}
	app := false
	for len(b) > 0 {
		if f.need > 0 {
			k := min(f.need, len(b))
			f.need -= k
			b = b[k:]
			continue
		}
		if len(f.hdr) == 0 && b[0] == 23 { // a record's type is its first byte
			app = true
		}
		k := min(5-len(f.hdr), len(b))
		f.hdr = append(f.hdr, b[:k]...)
		b = b[k:]
		if len(f.hdr) == 5 {
			f.need = int(f.hdr[3])<<8 | int(f.hdr[4])
			f.hdr = f.hdr[:0]
		}
	}
	return app
}
