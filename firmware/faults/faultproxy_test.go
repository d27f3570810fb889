package faults

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestProxyFaults: each kind of fault does to one plain HTTP exchange what
// it says: whether the server acted and whether the client got the answer.
func TestProxyFaults(t *testing.T) {
	tests := []struct {
		kind       Kind
		wantServed bool
		wantAnswer bool
	}{
		{Pass, true, true},
		{Delay, true, true},
		{DropRequest, false, false},
		{ResetRequest, false, false},
		{DropAnswer, true, false},
		{ResetAnswer, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			var served atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				served.Add(1)
				w.Write([]byte("done"))
			}))
			defer srv.Close()
			p := &Proxy{Hop: "test", Target: strings.TrimPrefix(srv.URL, "http://")}
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var hooked atomic.Int32
			p.Set(func(int) Fault { return Fault{Kind: tt.kind, Delay: time.Millisecond} },
				func(int) { hooked.Add(1) }, nil)
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := hc.Post("http://"+p.Addr()+"/x", "text/plain", strings.NewReader("order"))
			gotAnswer := false
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				gotAnswer = string(b) == "done"
			}
			// The server may act just after the client saw the cut.
			deadline := time.Now().Add(2 * time.Second)
			// The hook runs in the proxy's request goroutine, which may
			// finish after the answer went back on the other one.
			for tt.wantServed && (served.Load() == 0 || hooked.Load() == 0) && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := served.Load() > 0; got != tt.wantServed {
				t.Errorf("server acted: %v, want %v", got, tt.wantServed)
			}
			if gotAnswer != tt.wantAnswer {
				t.Errorf("client got the answer: %v (err %v), want %v", gotAnswer, err, tt.wantAnswer)
			}
			if got := hooked.Load() > 0; got != tt.wantServed {
				t.Errorf("OnRequest ran: %v, want %v", got, tt.wantServed)
			}
			if c := p.Counts()[tt.kind]; c != 1 {
				t.Errorf("counted %d %s, want 1 (%v)", c, tt.kind, p.Counts())
			}
		})
	}
}

// tlsRecord is a TLS record header and body of the given type.
func tlsRecord(typ byte, n int) []byte {
	return append([]byte{typ, 3, 3, byte(n >> 8), byte(n)}, bytes.Repeat([]byte{0xAA}, n)...)
}

// TestFramerTLS: application data is found in any split of the stream,
// handshake records are not taken for it.
func TestFramerTLS(t *testing.T) {
	stream := append(append(tlsRecord(22, 300), tlsRecord(20, 1)...), tlsRecord(22, 40)...)
	appAt := len(stream)
	stream = append(stream, tlsRecord(23, 500)...)
	for split := 1; split < len(stream); split += 37 {
		f := framer{tls: true}
		found := -1
		for off := 0; off < len(stream); off += split {
			end := min(off+split, len(stream))
			if f.feed(stream[off:end]) && found < 0 {
				found = off
			}
		}
		// The chunk holding the record's first header byte reports it.
		if found < 0 || found > appAt || found+split <= appAt {
			t.Fatalf("split %d: application data reported in the chunk at %d, record starts at %d", split, found, appAt)
		}
	}
}

// FuzzFramer: the TLS framer takes any bytes in any split without
// panicking and agrees with itself on one chunk or two.
func FuzzFramer(f *testing.F) {
	f.Add(tlsRecord(23, 3), 2)
	f.Add(tlsRecord(22, 10), 7)
	f.Fuzz(func(t *testing.T, b []byte, split int) {
		if split < 0 || split > len(b) {
			split = len(b) / 2
		}
		whole := framer{tls: true}
		parts := framer{tls: true}
		a := whole.feed(b)
		p := parts.feed(b[:split])
		p = parts.feed(b[split:]) || p
		if a != p {
			t.Fatalf("one chunk: %v, split at %d: %v", a, split, p)
		}
	})
}
