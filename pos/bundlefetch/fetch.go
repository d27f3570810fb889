package bundlefetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"payterm/internal/atomicfile"
	"payterm/update/bundle"
	"payterm/update/manifest"
)

// DefaultMaxSize bounds a download when Fetcher.MaxSize is 0: far above
// a bundle (two boot slots' worth of compressed artefacts), far below a
// disk.
const DefaultMaxSize = 512 << 20

// Refusals, wrapped with context; test with errors.Is.
var (
	// ErrTooLarge: the object is larger than the limit; nothing is kept.
	ErrTooLarge = errors.New("bundlefetch: bundle too large")
	// ErrIncomplete: the download stopped before the bundle's end (a
	// cut connection, a short body); the part is kept and the next Fetch
	// resumes it.
	ErrIncomplete = errors.New("bundlefetch: download incomplete")
	// ErrStalled: the body stopped moving for Fetcher.Idle; the part
	// is kept, as for any cut.
	ErrStalled = errors.New("bundlefetch: download stalled")
	// ErrStatus: the server answered with an HTTP status other than a
	// bundle's (404, 500…).
	ErrStatus = errors.New("bundlefetch: server refused")
)

// Fetcher downloads bundles into a cache directory. Per URL (its scheme,
// host and path: a presigned URL's query is a credential, so it neither
// names the file nor reaches the log) the directory holds NAME.bundle, a
// checked bundle; NAME.part, a download to resume; and NAME.meta, the
// object's validators (ETag, Last-Modified), NAME the first 32 hex
// digits of the SHA-256 of that URL.
type Fetcher struct {
	Dir string // made when missing
	// Client makes the requests; nil: a client whose response headers
	// must come within 30 s (a body may take as long as it takes; cancel
	// the context to stop it).
	Client *http.Client
	// Idle is how long the body may bring no byte before the download
	// is cut (ErrStalled, resumable); 0 means 60 s.
	Idle time.Duration
	// MaxSize bounds the object's bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// Keys are the release keys the POS trusts; nil leaves the signature
	// to the terminal (the caller should say so).
	Keys *manifest.Keyring
	Now  func() time.Time // nil: time.Now
	Log  *slog.Logger     // nil discards
}

// Result says what Fetch did.
type Result struct {
	Path    string // the checked bundle in the cache
	From    int64  // the offset this download resumed from; 0 from the start
	Fetched int64  // body bytes received by this Fetch
	Cached  bool   // the server said the cached bundle is current (304)
}

// meta is NAME.meta: what If-Range and If-None-Match send back.
type meta struct {
	URL          string `json:"url"` // without its query, for people
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// validator is what If-Range may carry: a strong ETag, else the date.
func (m meta) validator() string {
	if m.ETag != "" && !strings.HasPrefix(m.ETag, "W/") {
		return m.ETag
	}
	return m.LastModified
}

// Fetch brings the bundle at rawURL (https://, or http:// to a loopback
// host) into the cache and returns its path once Check accepts it:
//   - a cached bundle is revalidated (If-None-Match/If-Modified-Since);
//     304 keeps it, 200 replaces it;
//   - a part left by a cut download is resumed with Range from its end,
//     under If-Range with the object's validator, so a changed object
//     (or a server without ranges) answers 200 and restarts from 0; a
//     part without a validator restarts from 0;
//   - an object above MaxSize is ErrTooLarge, a body that stops early is
//     ErrIncomplete (the part is kept), a broken or, with Keys, badly
//     signed bundle is ErrBadBundle (the part is removed: more bytes
//     would not mend it).
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Result, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Result{}, fmt.Errorf("bundlefetch: %w", err)
	}
	if err := allowed(u); err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return Result{}, fmt.Errorf("bundlefetch: cache: %w", err)
	}
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	sum := sha256.Sum256([]byte(shown))
	c := cache{dir: f.Dir, name: hex.EncodeToString(sum[:16]), url: shown}
	res, err := f.fetch(ctx, rawURL, c, true)
	if errors.Is(err, errRestart) {
		res, err = f.fetch(ctx, rawURL, c, false)
	}
	return res, err
}

// errRestart: the server could not serve the range asked (416); Fetch
// tries once more from 0.
var errRestart = errors.New("bundlefetch: range not satisfiable")

// fetch makes one request; resume false ignores the part and the cache.
func (f *Fetcher) fetch(ctx context.Context, rawURL string, c cache, resume bool) (Result, error) {
	res := Result{Path: c.path(".bundle")}
	m, haveMeta := c.readMeta()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return res, fmt.Errorf("bundlefetch: %w", err)
	}
	var cached bool
	var from int64
	if resume && haveMeta {
		if _, err := os.Stat(c.path(".bundle")); err == nil {
			cached = true
			if m.ETag != "" {
				req.Header.Set("If-None-Match", m.ETag)
			} else if m.LastModified != "" {
				req.Header.Set("If-Modified-Since", m.LastModified)
			}
		} else if st, err := os.Stat(c.path(".part")); err == nil && st.Size() > 0 && m.validator() != "" {
			from = st.Size()
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", from))
			req.Header.Set("If-Range", m.validator())
		}
	}
	resp, err := f.client().Do(req)
	if err != nil {
		// A *url.Error prints the whole URL: a presigned query is a
		// credential, so only its cause goes on.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return res, fmt.Errorf("bundlefetch: GET %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && cached:
		if err := Check(res.Path, f.Keys, f.now()); err != nil {
			c.remove(".bundle", ".meta")
			return res, err
		}
		res.Cached = true
		f.log().Info("bundle in the cache is current", "url", c.url, "path", res.Path)
		return res, nil
	case resp.StatusCode == http.StatusOK:
		from = 0
		m = meta{URL: c.url, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
		c.remove(".bundle", ".part")
		if err := atomicfile.WriteFile(c.path(".meta"), mustJSON(m), 0o644); err != nil {
			return res, fmt.Errorf("bundlefetch: %w", err)
		}
	case resp.StatusCode == http.StatusPartialContent && from > 0:
		start, total, err := contentRange(resp.Header.Get("Content-Range"))
		if err != nil || start != from {
			return res, fmt.Errorf("bundlefetch: GET %s: asked bytes from %d, got Content-Range %q", c.url, from, resp.Header.Get("Content-Range"))
		}
		if total > f.maxSize() {
			c.remove(".part", ".meta")
			return res, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrTooLarge, c.url, total, f.maxSize())
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && from > 0:
		c.remove(".part", ".meta")
		return res, errRestart
	default:
		return res, fmt.Errorf("%w: GET %s: %s", ErrStatus, c.url, resp.Status)
	}
	res.From = from
	if resp.ContentLength >= 0 && from+resp.ContentLength > f.maxSize() {
		c.remove(".part", ".meta")
		return res, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrTooLarge, c.url, from+resp.ContentLength, f.maxSize())
	}
	if from > 0 {
		f.log().Info("resuming bundle download", "url", c.url, "from", from)
	}
	n, err := c.appendPart(&idleReader{r: resp.Body, idle: f.idle(), stop: cancel}, f.maxSize()-from+1)
	res.Fetched = n
	if cause := context.Cause(ctx); errors.Is(cause, ErrStalled) {
		err = cause
	}
	if err != nil {
		return res, fmt.Errorf("%w: GET %s: %d bytes after %d: %w", ErrIncomplete, c.url, n, from, err)
	}
	if from+n > f.maxSize() {
		c.remove(".part", ".meta")
		return res, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, c.url, f.maxSize())
	}
	if err := Check(c.path(".part"), f.Keys, f.now()); err != nil {
		if errors.Is(err, bundle.ErrTruncated) {
			return res, fmt.Errorf("%w: GET %s: the body ended at %d: %w", ErrIncomplete, c.url, from+n, err)
		}
		c.remove(".part", ".meta")
		return res, fmt.Errorf("bundlefetch: %s: %w", c.url, err)
	}
	if err := os.Rename(c.path(".part"), res.Path); err != nil {
		return res, fmt.Errorf("bundlefetch: %w", err)
	}
	if err := atomicfile.SyncDir(c.dir); err != nil {
		return res, fmt.Errorf("bundlefetch: %w", err)
	}
	f.log().Info("bundle downloaded", "url", c.url, "path", res.Path, "bytes", from+n)
	return res, nil
}

// allowed refuses what is not https, or http to this machine (tests,
// a local mirror).
func allowed(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		h := u.Hostname()
		if ip := net.ParseIP(h); h == "localhost" || ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("bundlefetch: %s: http:// only to a loopback host; use https://", u.Host)
	}
	return fmt.Errorf("bundlefetch: scheme %q: want https:// (or http:// to a loopback host)", u.Scheme)
}

// contentRange parses "bytes START-END/TOTAL"; total is -1 for "*".
func contentRange(s string) (start, total int64, err error) {
	rest, ok := strings.CutPrefix(s, "bytes ")
	span, size, ok2 := strings.Cut(rest, "/")
	first, _, ok3 := strings.Cut(span, "-")
	if !ok || !ok2 || !ok3 {
		return 0, 0, fmt.Errorf("bundlefetch: Content-Range %q", s)
	}
	if start, err = strconv.ParseInt(first, 10, 64); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bundlefetch: Content-Range %q", s)
	}
	if size == "*" {
		return start, -1, nil
	}
	if total, err = strconv.ParseInt(size, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("bundlefetch: Content-Range %q", s)
	}
	return start, total, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // meta always marshals
	}
	return b
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 30 * time.Second
	return &http.Client{Transport: t}
}

func (f *Fetcher) idle() time.Duration {
	if f.Idle <= 0 {
		return 60 * time.Second
	}
	return f.Idle
}

// idleReader cuts the request (stop) when a Read waits longer than idle:
// a server that stops sending would otherwise hold the POS forever.
type idleReader struct {
	r     io.Reader
	idle  time.Duration
	stop  context.CancelCauseFunc
	timer *time.Timer
}

func (i *idleReader) Read(p []byte) (int, error) {
	if i.timer == nil {
		i.timer = time.AfterFunc(i.idle, func() { i.stop(ErrStalled) })
	} else {
		i.timer.Reset(i.idle)
	}
	n, err := i.r.Read(p)
	i.timer.Stop()
	return n, err
}

func (f *Fetcher) maxSize() int64 {
	if f.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return f.MaxSize
}

func (f *Fetcher) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

func (f *Fetcher) log() *slog.Logger {
	if f.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Log
}

// cache is one URL's files in the cache directory.
type cache struct {
	dir, name, url string
}

func (c cache) path(ext string) string { return filepath.Join(c.dir, c.name+ext) }

func (c cache) readMeta() (meta, bool) {
	b, err := os.ReadFile(c.path(".meta"))
	if err != nil {
		return meta{}, false
	}
	var m meta
	if json.Unmarshal(b, &m) != nil || m.URL != c.url {
		return meta{}, false
	}
	return m, true
}

// remove deletes the files with exts; one that cannot be removed is
// replaced at the next write to it (a part is truncated by a 200).
func (c cache) remove(exts ...string) {
	for _, e := range exts {
		os.Remove(c.path(e))
	}
}

// appendPart appends at most limit bytes of r to NAME.part and syncs
// them, also when r fails, so what arrived is kept for resumption.
func (c cache) appendPart(r io.Reader, limit int64) (int64, error) {
	p, err := os.OpenFile(c.path(".part"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(p, io.LimitReader(r, limit))
	if serr := p.Sync(); err == nil {
		err = serr
	}
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	return n, err
}
