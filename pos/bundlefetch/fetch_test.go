package bundlefetch

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/update/bundle/bundletest"
	"payterm/update/manifest"
)

// origin is a static server whose behaviour a test changes between
// fetches; it records every request and the body bytes it served.
type origin struct {
	mu     sync.Mutex
	body   []byte
	etag   string
	mode   string // "ranges" (http.ServeContent), "plain" (ignores Range), "short" (half, no length), "stall" (half, then nothing), "status"
	status int    // for "status"
	cut    int    // > 0: write this many bytes of a full-length answer, then drop the connection
	log    []served
}

type served struct {
	rangeHdr, ifRange, ifNoneMatch string
	status                         int
	bytes                          int
}

type countingWriter struct {
	http.ResponseWriter
	status, n int
}

func (w *countingWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }
func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += n
	return n, err
}

func (o *origin) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	body, etag, mode, status, cut := o.body, o.etag, o.mode, o.status, o.cut
	o.cut = 0
	o.mu.Unlock()
	w := &countingWriter{ResponseWriter: rw}
	logged := false
	record := func() {
		o.mu.Lock()
		o.log = append(o.log, served{r.Header.Get("Range"), r.Header.Get("If-Range"), r.Header.Get("If-None-Match"), w.status, w.n})
		o.mu.Unlock()
		logged = true
	}
	defer func() {
		if !logged {
			record()
		}
	}()
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	switch {
	case cut > 0:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:cut])
		w.ResponseWriter.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	case mode == "status":
		http.Error(w, "no", status)
	case mode == "plain":
		w.Write(body)
	case mode == "stall":
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:len(body)/2])
		w.ResponseWriter.(http.Flusher).Flush()
		record() // now: the handler outlives the client's Fetch
		<-r.Context().Done()
	case mode == "short":
		w.Write(body[:len(body)/2])
		w.ResponseWriter.(http.Flusher).Flush() // chunked: no length, a clean end
	default:
		http.ServeContent(w, r, "x.bundle", time.Time{}, bytes.NewReader(body))
	}
}

func (o *origin) set(f func(o *origin)) { o.mu.Lock(); f(o); o.mu.Unlock() }

func (o *origin) last() served {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.log[len(o.log)-1]
}

func testKeys(t *testing.T) *manifest.Keyring {
	kr, err := manifest.NewKeyring(manifest.TrustedKey{Name: "test", Public: bundletest.Key().Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// step is one Fetch after changing the origin.
type step struct {
	origin  func(o *origin)
	wantErr []error // each must match errors.Is; none: success
	from    int64   // Result.From on success
	served  int     // body bytes the origin served for this Fetch; -1 unchecked
	sent    string  // the Range header this Fetch sent ("" none)
	cached  bool
	want    []byte // the cached bundle after success; nil: the first bundle
	part    bool   // a part is kept after a failure
}

func TestFetch(t *testing.T) {
	pathA, _, _ := bundletest.Write(t, "9.9.9", 200<<10, "sim")
	a, _ := os.ReadFile(pathA)
	pathB, _, _ := bundletest.Write(t, "9.9.10", 150<<10, "sim")
	b, _ := os.ReadFile(pathB)
	tampered := bytes.Replace(a, []byte("9.9.9"), []byte("9.9.8"), 1)
	otherKey, _ := manifest.NewKeyring(manifest.TrustedKey{Name: "other", Public: make([]byte, 32)})
	cut := len(a) / 3

	tests := []struct {
		name    string
		keys    *manifest.Keyring
		maxSize int64
		idle    time.Duration
		steps   []step
	}{
		{name: "plain download, then the cache is current", keys: testKeys(t), steps: []step{
			{served: len(a)},
			{served: 0, cached: true},
		}},
		{name: "cut mid-way, resumed with Range: only the rest is served", steps: []step{
			{origin: func(o *origin) { o.cut = cut }, wantErr: []error{ErrIncomplete}, served: cut, part: true},
			{from: int64(cut), served: len(a) - cut, sent: fmt.Sprintf("bytes=%d-", cut)},
		}},
		{name: "server without ranges: restart from 0", steps: []step{
			{origin: func(o *origin) { o.cut = cut }, wantErr: []error{ErrIncomplete}, served: cut, part: true},
			{origin: func(o *origin) { o.mode = "plain" }, from: 0, served: len(a), sent: fmt.Sprintf("bytes=%d-", cut)},
		}},
		{name: "object changed between attempts: If-Range answers the whole new one", keys: testKeys(t), steps: []step{
			{origin: func(o *origin) { o.cut = cut }, wantErr: []error{ErrIncomplete}, served: cut, part: true},
			{origin: func(o *origin) { o.body, o.etag = b, `"v2"` }, from: 0, served: len(b), sent: fmt.Sprintf("bytes=%d-", cut), want: b},
		}},
		{name: "body ends early without a length: kept, then resumed", steps: []step{
			{origin: func(o *origin) { o.mode = "short" }, wantErr: []error{ErrIncomplete}, served: len(a) / 2, part: true},
			{origin: func(o *origin) { o.mode = "ranges" }, from: int64(len(a) / 2), served: len(a) - len(a)/2, sent: fmt.Sprintf("bytes=%d-", len(a)/2)},
		}},
		{name: "stalled body: cut after Idle, kept, then resumed", idle: 100 * time.Millisecond, steps: []step{
			{origin: func(o *origin) { o.mode = "stall" }, wantErr: []error{ErrIncomplete, ErrStalled}, served: len(a) / 2, part: true},
			{origin: func(o *origin) { o.mode = "ranges" }, from: int64(len(a) / 2), served: len(a) - len(a)/2, sent: fmt.Sprintf("bytes=%d-", len(a)/2)},
		}},
		{name: "404", steps: []step{
			{origin: func(o *origin) { o.mode, o.status = "status", 404 }, wantErr: []error{ErrStatus}, served: -1},
		}},
		{name: "500 after a cut keeps the part, then resumes", steps: []step{
			{origin: func(o *origin) { o.cut = cut }, wantErr: []error{ErrIncomplete}, served: cut, part: true},
			{origin: func(o *origin) { o.mode, o.status = "status", 500 }, wantErr: []error{ErrStatus}, served: -1, part: true},
			{origin: func(o *origin) { o.mode = "ranges" }, from: int64(cut), served: len(a) - cut, sent: fmt.Sprintf("bytes=%d-", cut)},
		}},
		{name: "oversized by its length", maxSize: int64(len(a) - 1), steps: []step{
			{wantErr: []error{ErrTooLarge}, served: -1},
		}},
		{name: "oversized without a length", maxSize: int64(len(a) - 1), steps: []step{
			{origin: func(o *origin) { o.mode = "plain"; o.body = append(a[:len(a):len(a)], a...) }, wantErr: []error{ErrTooLarge}, served: -1},
		}},
		{name: "oversized by its Content-Range on resume", maxSize: int64(len(a) - 1), steps: []step{
			{origin: func(o *origin) { o.body = a[:cut] }, wantErr: []error{ErrIncomplete}, served: cut, part: true},
			{origin: func(o *origin) { o.body = a }, wantErr: []error{ErrTooLarge}, served: -1},
		}},
		{name: "tampered: the signature fails with the release key", keys: testKeys(t), steps: []step{
			{origin: func(o *origin) { o.body = tampered }, wantErr: []error{ErrBadBundle, manifest.ErrBadSignature}, served: len(a)},
		}},
		{name: "signed by a key the POS does not trust", keys: otherKey, steps: []step{
			{wantErr: []error{ErrBadBundle, manifest.ErrUnknownKey}, served: len(a)},
		}},
		{name: "not a bundle", steps: []step{
			{origin: func(o *origin) { o.body = []byte("<html>login</html>") }, wantErr: []error{ErrBadBundle}, served: -1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &origin{body: a, etag: `"v1"`, mode: "ranges"}
			ts := httptest.NewServer(o)
			defer ts.Close()
			dir := t.TempDir()
			f := &Fetcher{Dir: dir, Keys: tt.keys, MaxSize: tt.maxSize, Idle: tt.idle, Client: ts.Client(),
				Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
			for i, s := range tt.steps {
				if s.origin != nil {
					o.set(s.origin)
				}
				res, err := f.Fetch(context.Background(), ts.URL+"/releases/payterm.bundle?X-Amz-Signature=secret")
				last := o.last()
				if s.served >= 0 && last.bytes != s.served {
					t.Errorf("step %d: origin served %d bytes, want %d", i, last.bytes, s.served)
				}
				if s.sent != "" && last.rangeHdr != s.sent {
					t.Errorf("step %d: Range %q, want %q", i, last.rangeHdr, s.sent)
				}
				parts, _ := filepath.Glob(filepath.Join(dir, "*.part"))
				if len(s.wantErr) > 0 {
					for _, w := range s.wantErr {
						if !errors.Is(err, w) {
							t.Fatalf("step %d: error %v, want %v", i, err, w)
						}
					}
					if strings.Contains(err.Error(), "secret") {
						t.Errorf("step %d: the error shows the URL's query: %v", i, err)
					}
					if s.part != (len(parts) == 1) {
						t.Errorf("step %d: parts %q, want a part kept: %v", i, parts, s.part)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if res.From != s.from || res.Cached != s.cached {
					t.Errorf("step %d: %+v, want from %d cached %v", i, res, s.from, s.cached)
				}
				got, _ := os.ReadFile(res.Path)
				want := s.want
				if want == nil {
					want = a
				}
				if !bytes.Equal(got, want) {
					t.Errorf("step %d: cached bundle differs from the origin's (%d bytes, want %d)", i, len(got), len(want))
				}
				if len(parts) != 0 {
					t.Errorf("step %d: parts left: %q", i, parts)
				}
			}
		})
	}
}

// TestFetchServerDown: an unreachable server is an error that names the
// URL without its query (a presigned URL's credential).
func TestFetchServerDown(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	ts.Close()
	f := &Fetcher{Dir: t.TempDir()}
	_, err := f.Fetch(context.Background(), ts.URL+"/x.bundle?X-Amz-Signature=secret")
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), ts.URL+"/x.bundle") {
		t.Fatalf("error %v", err)
	}
}

// TestFetchRefusesPlainHTTPElsewhere: http:// is for this machine only.
func TestFetchRefusesPlainHTTPElsewhere(t *testing.T) {
	f := &Fetcher{Dir: t.TempDir()}
	for _, u := range []string{"http://example.com/x.bundle", "ftp://127.0.0.1/x.bundle", "file:///x.bundle"} {
		if _, err := f.Fetch(context.Background(), u); err == nil {
			t.Errorf("%s fetched", u)
		}
	}
}

func TestContentRange(t *testing.T) {
	for _, tt := range []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 10-99/100", 10, 100, true},
		{"bytes 0-0/*", 0, -1, true},
		{"bytes 10-99", 0, 0, false},
		{"items 10-99/100", 0, 0, false},
		{"bytes -5-99/100", 0, 0, false},
		{"", 0, 0, false},
	} {
		start, total, err := contentRange(tt.in)
		if (err == nil) != tt.ok || start != tt.start || total != tt.total {
			t.Errorf("contentRange(%q) = %d, %d, %v", tt.in, start, total, err)
		}
	}
}

func FuzzContentRange(f *testing.F) {
	f.Add("bytes 10-99/100")
	f.Add("bytes 0-0/*")
	f.Fuzz(func(t *testing.T, s string) {
		start, total, err := contentRange(s)
		if err == nil && (start < 0 || total < -1) {
			t.Fatalf("%q: start %d total %d", s, start, total)
		}
	})
}
