package pos

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"payterm/firmware/otalink"
	"payterm/firmware/otalink/otalinktest"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/firmware/poslink/stream/streamtest"
	"payterm/update/bundle/bundletest"
)

var updateKey = poslink.SecurityKey{KeyIdentifier: "payterm-test", KeyVersion: 1, Passphrase: "update test passphrase"}

// writeBundle writes a real bundle of version whose slot image is size
// incompressible bytes, and returns its path.
func writeBundle(t testing.TB, version string, size int) string {
	t.Helper()
	path, _, _ := bundletest.Write(t, version, size, "sim")
	return path
}

func sha256Of(b []byte) [32]byte { return sha256.Sum256(b) }

// updTerminal is the terminal's side: a nexo server with an otalink
// receiver over a fake sink in dir. start again on the same dir is a
// terminal restart.
type updTerminal struct {
	t     testing.TB
	dir   string
	want  [32]byte
	store *otalinktest.Store
	srv   atomic.Pointer[poslink.Server]
	recv  *otalink.Receiver
}

func newUpdTerminal(t testing.TB, want [32]byte, version string) *updTerminal {
	u := &updTerminal{t: t, dir: t.TempDir(), want: want}
	u.start(version)
	return u
}

func (u *updTerminal) start(version string) {
	u.t.Helper()
	keys, err := poslink.NewKeys(updateKey)
	if err != nil {
		u.t.Fatal(err)
	}
	u.store = &otalinktest.Store{Dir: filepath.Join(u.dir, "sink"), Want: u.want, Version: "9.9.9"}
	u.recv, err = otalink.New(otalink.Config{Version: version, StateDir: filepath.Join(u.dir, "update"), Open: u.store.Open})
	if err != nil {
		u.t.Fatal(err)
	}
	u.srv.Store(poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys, Updater: u.recv, Version: version}, nil, nil, nil))
}

func (u *updTerminal) handle(ctx context.Context, b []byte) []byte {
	return u.srv.Load().HandleMessage(ctx, b)
}

// direct is a transport straight into the server, no wire.
func (u *updTerminal) direct(ctx context.Context, b []byte) ([]byte, error) {
	return u.handle(ctx, b), nil
}

// link is a transport to the terminal that a test can cut; the next
// request after a cut goes over a new connection.
type link interface {
	transport() poslink.Transport
	cut()
}

// httpsLink is the link over HTTPS.
type httpsLink struct {
	srv *httptest.Server
	tr  poslink.Transport
}

func newHTTPSLink(t testing.TB, term *updTerminal) *httpsLink {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		term.srv.Load().Handler().ServeHTTP(w, r)
	}))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &httpsLink{srv: srv, tr: poslink.NewHTTPSTransport(srv.URL+"/nexo", nil, true)}
}

func (l *httpsLink) transport() poslink.Transport { return l.tr }
func (l *httpsLink) cut()                         { l.srv.CloseClientConnections() }

// serialLink is the link over the serial framing on a simulated cable;
// a cut pulls the cable and the next request plugs in a new one.
type serialLink struct {
	t      testing.TB
	term   *updTerminal
	mu     sync.Mutex
	line   *streamtest.Line
	client *stream.Client
	wire   int64 // bytes written on cables already cut
}

func newSerialLink(t testing.TB, term *updTerminal) *serialLink {
	l := &serialLink{t: t, term: term}
	t.Cleanup(func() { l.cut() })
	return l
}

func (l *serialLink) connect() *stream.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.client != nil {
		return l.client
	}
	l.line = streamtest.NewLine(0)
	tc := stream.New(l.line.B, stream.Options{})
	pc := stream.New(l.line.A, stream.Options{})
	go stream.Serve(context.Background(), tc, l.term.handle)
	l.client = stream.NewClient(pc)
	return l.client
}

func (l *serialLink) transport() poslink.Transport {
	return func(ctx context.Context, b []byte) ([]byte, error) { return l.connect().RoundTrip(ctx, b) }
}

func (l *serialLink) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.line != nil {
		l.wire += l.line.A.Written() + l.line.B.Written()
		l.line.Cut()
		l.client.Close()
		l.line, l.client = nil, nil
	}
}

// faulty cuts the link on the request numbered at (1, 2, …) and fails
// it, as a cable pulled while a chunk is on its way.
func faulty(l link, at int64) poslink.Transport {
	var n atomic.Int64
	tr := l.transport()
	return func(ctx context.Context, b []byte) ([]byte, error) {
		if n.Add(1) == at {
			l.cut()
			return nil, errors.New("test: link cut")
		}
		return tr(ctx, b)
	}
}

func updater(t testing.TB, tr poslink.Transport, progress func(UpdateProgress)) *Updater {
	key := updateKey
	c, err := poslink.NewClient(poslink.ClientConfig{POIID: "PT1-0001", Key: &key, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	return &Updater{Terminal: c, SaleID: "POS-UPD", Progress: progress, RetryWait: time.Millisecond,
		NewServiceID: func() string { return fmt.Sprintf("u%d-%d", time.Now().UnixNano(), n.Add(1)) }}
}

// TestUpdateResumes sends a bundle over HTTPS and over the serial
// framing through every fault of the path: the link cut mid-chunk, the
// POS killed half-way and started again, the terminal restarted on its
// state. Each time the transfer goes on from the terminal's confirmed
// offset, so the bytes sent stay under twice the bundle, and the
// terminal ends up with the bundle byte for byte, verified.
func TestUpdateResumes(t *testing.T) {
	const size = 300 << 10
	path := writeBundle(t, "1.1.0", size)
	b, err := OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	want := sha256.Sum256(file)
	for _, kind := range []string{"https", "serial"} {
		t.Run(kind, func(t *testing.T) {
			term := newUpdTerminal(t, want, "1.0.0")
			var l link
			if kind == "https" {
				l = newHTTPSLink(t, term)
			} else {
				l = newSerialLink(t, term)
			}

			// POS 1: the link drops at its 4th request, then it is killed
			// once a third of the bundle is across.
			ctx, kill := context.WithCancel(context.Background())
			defer kill()
			u1 := updater(t, faulty(l, 4), func(p UpdateProgress) {
				if p.Done >= size/3 {
					kill()
				}
			})
			r1, err := u1.Sync(ctx, b)
			if !errors.Is(err, context.Canceled) || !r1.Sent || r1.From != 0 {
				t.Fatalf("POS 1: %+v, %v; want a transfer from 0 cut by its end", r1, err)
			}

			// POS 2 resumes from where the terminal stands, and is killed at
			// two thirds.
			ctx2, kill2 := context.WithCancel(context.Background())
			defer kill2()
			var confirmed int64 // the last durable offset POS 2 heard
			u2 := updater(t, l.transport(), func(p UpdateProgress) {
				confirmed = p.Confirmed
				if p.Done >= 2*size/3 {
					kill2()
				}
			})
			r2, err := u2.Sync(ctx2, b)
			if !errors.Is(err, context.Canceled) || r2.From < size/3-int64(DefaultChunk) {
				t.Fatalf("POS 2: %+v, %v; want a resume from about a third", r2, err)
			}

			// The terminal restarts on its state; the POS starts again.
			l.cut()
			term.start("1.0.0")
			u3 := updater(t, l.transport(), nil)
			r3, err := u3.Sync(context.Background(), b)
			if err != nil {
				t.Fatalf("POS 3: %+v, %v", r3, err)
			}
			durableFloor := 2*size/3 - int64(DefaultChunk) - 4096
			if confirmed == 0 || r3.From < confirmed {
				t.Fatalf("after the terminal restart: resumed from %d; the terminal had confirmed %d as durable", r3.From, confirmed)
			}
			if r3.From < durableFloor || r3.Status.State != poslink.UpdateVerified {
				t.Fatalf("after the terminal restart: resumed from %d (want ≥ %d), state %s", r3.From, durableFloor, r3.Status.State)
			}
			got, err := term.store.Bundle()
			if err != nil || !bytes.Equal(got, file) {
				t.Fatalf("terminal holds %d bytes (%v), want the %d of the bundle", len(got), err, len(file))
			}
			if sent := r1.Bytes + r2.Bytes + r3.Bytes; sent >= 2*b.Size {
				t.Fatalf("sent %d bytes for a bundle of %d: not resumed", sent, b.Size)
			}
			// Offered again, the verified bundle needs nothing.
			if r, err := updater(t, l.transport(), nil).Sync(context.Background(), b); err != nil || r.Sent {
				t.Fatalf("verified bundle offered again: %+v, %v", r, err)
			}
		})
	}
}

// TestUpdateNeedsNothing: a terminal as new as the bundle gets nothing,
// and a version it rolled back from is not offered again.
func TestUpdateNeedsNothing(t *testing.T) {
	path := writeBundle(t, "1.1.0", 1000)
	b, err := OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		running string
		boot    otalink.Boot
		err     error
	}{
		{"same", "1.1.0", otalink.Boot{}, nil},
		{"newer", "1.2.0", otalink.Boot{}, nil},
		{"rolled back", "1.0.0", otalink.Boot{Slot: "A", RolledBack: true, FailedVersion: "1.1.0"}, ErrUpdateRolledBack},
	} {
		t.Run(tt.name, func(t *testing.T) {
			term := newUpdTerminal(t, [32]byte{}, tt.running)
			keys, _ := poslink.NewKeys(updateKey)
			recv, err := otalink.New(otalink.Config{Version: tt.running, StateDir: t.TempDir(), Open: term.store.Open,
				Boot: func() otalink.Boot { return tt.boot }})
			if err != nil {
				t.Fatal(err)
			}
			term.srv.Store(poslink.NewServer(poslink.ServerConfig{Keys: keys, Updater: recv}, nil, nil, nil))
			r, err := updater(t, term.direct, nil).Sync(context.Background(), b)
			if !errors.Is(err, tt.err) || r.Sent {
				t.Fatalf("Sync: %+v, %v; want nothing sent, err %v", r, err, tt.err)
			}
			if term.store.Written() != 0 {
				t.Fatal("the sink took bytes")
			}
		})
	}
}

// TestUpdateRefusedBundle: a bundle the terminal's sink refuses ends the
// transfer with ErrUpdateRefused and the terminal's reason.
func TestUpdateRefusedBundle(t *testing.T) {
	b, err := OpenBundle(writeBundle(t, "1.1.0", 50<<10))
	if err != nil {
		t.Fatal(err)
	}
	term := newUpdTerminal(t, [32]byte{}, "1.0.0")
	term.store.FailAt = 20 << 10
	r, err := updater(t, term.direct, nil).Sync(context.Background(), b)
	if !errors.Is(err, ErrUpdateRefused) || r.Status.State != poslink.UpdateFailed || r.Status.Error == "" {
		t.Fatalf("Sync: %+v, %v; want ErrUpdateRefused", r, err)
	}
}

// TestPairRefusesUnsupportedVersion: the POS does not pair with a
// terminal outside its supported versions, nor with one too old to say.
func TestPairRefusesUnsupportedVersion(t *testing.T) {
	keys, _ := poslink.NewKeys(updateKey)
	for _, tt := range []struct {
		name    string
		version string // "" : a terminal that does not report one
		ok      bool
	}{{"supported", "1.4.0", true}, {"too old", "0.9.0", false}, {"too new", "3.0.0", false}, {"silent", "", false}} {
		t.Run(tt.name, func(t *testing.T) {
			srv := poslink.NewServer(poslink.ServerConfig{Keys: keys, Version: tt.version,
				Identity: devIdentity{}}, nil, nil, nil)
			key := updateKey
			c, _ := poslink.NewClient(poslink.ClientConfig{POIID: "PT1-0001", Key: &key, Transport: func(ctx context.Context, b []byte) ([]byte, error) {
				return srv.HandleMessage(ctx, b), nil
			}})
			p, err := Pair(context.Background(), c, "POS-1", "p1", Versions{Min: "1.0.0", Max: "2.99.99"})
			if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrUnsupportedTerminal)) {
				t.Fatalf("Pair: %+v, %v; want ok=%v", p, err, tt.ok)
			}
		})
	}
}
