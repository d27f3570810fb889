package sandbox

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// Options configure a Host. The zero value means: real clock, crypto
// randomness, 60 s codes, no logging, a 1 s wait for the file lock,
// statements valid from 5 minutes old to 1 minute ahead, 60 s for the
// payer to confirm a payment above their limit.
type Options struct {
	// Now is the clock; nil means time.Now. Tests inject a fake one to
	// expire codes without waiting.
	Now func() time.Time
	// Rand supplies the digits of payment codes; nil means crypto/rand.
	// It is read only inside write transactions, so it need not be safe
	// for concurrent use.
	Rand io.Reader
	// CodeTTL is how long an issued code stays valid; zero means 60 s.
	CodeTTL time.Duration
	// Logger receives one line per payment event, codes masked; nil
	// discards.
	Logger *slog.Logger
	// LockTimeout is how long Open waits for another process to release
	// the database file; zero means 1 s.
	LockTimeout time.Duration
	// MaxStatementAge is how old (by Now) a payment's statement may be;
	// zero means DefaultMaxStatementAge. Its nonces are remembered that
	// long.
	MaxStatementAge time.Duration
	// MaxStatementSkew is how far in the future a statement's time may
	// be (the terminal's clock runs ahead); zero means
	// DefaultMaxStatementSkew.
	MaxStatementSkew time.Duration
	// FaceKey opens the sealed face crops terminals send (AuthCode
	// "face:<token>") and is published at GET /v1/face-key; nil means no
	// face payments (FACE_UNKNOWN) and a 404 there.
	FaceKey *payhost.FaceKey
	// Recognizer computes face descriptors (a *facerec.Net); nil means
	// faces can be neither enrolled nor recognised.
	Recognizer Recognizer
	// Cropper crops enrolment photos (photo_jpeg); nil means only
	// crop_jpeg enrolments. The integrator wires internal/face.CropPhoto.
	Cropper Cropper
	// UserPayingTTL is how long a payment above the account's limit waits
	// for the payer to confirm it on the phone; zero means
	// DefaultUserPayingTTL.
	UserPayingTTL time.Duration
}

// Defaults of the Options.
const (
	DefaultCodeTTL          = 60 * time.Second // a WeChat payment code's lifetime
	DefaultMaxStatementAge  = 5 * time.Minute
	DefaultMaxStatementSkew = time.Minute
	DefaultUserPayingTTL    = 60 * time.Second
)

// Host is the sandbox payment system. Its methods are safe for concurrent
// use; it implements payhost.Client in-process.
type Host struct {
	db      *bolt.DB
	now     func() time.Time
	rand    io.Reader
	codeTTL time.Duration
	log     *slog.Logger
	maxAge  time.Duration // of a statement
	skew    time.Duration // of a statement from the future
	faceKey *payhost.FaceKey
	recog   Recognizer
	crop    Cropper
	gallery gallery       // every enrolled descriptor, for 1:N search
	heldTTL time.Duration // of a USERPAYING payment
}

var _ payhost.Client = (*Host)(nil)

// Open opens (creating if needed) the database file at path.
func Open(path string, opts Options) (*Host, error) {
	h := &Host{now: opts.Now, rand: opts.Rand, codeTTL: opts.CodeTTL, log: opts.Logger,
		maxAge: opts.MaxStatementAge, skew: opts.MaxStatementSkew, heldTTL: opts.UserPayingTTL,
		faceKey: opts.FaceKey, recog: opts.Recognizer, crop: opts.Cropper}
	if h.now == nil {
		h.now = time.Now
	}
	if h.rand == nil {
		h.rand = rand.Reader
	}
	if h.codeTTL <= 0 {
		h.codeTTL = DefaultCodeTTL
	}
	if h.maxAge <= 0 {
		h.maxAge = DefaultMaxStatementAge
	}
	if h.skew <= 0 {
		h.skew = DefaultMaxStatementSkew
	}
	if h.heldTTL <= 0 {
		h.heldTTL = DefaultUserPayingTTL
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	lock := opts.LockTimeout
	if lock <= 0 {
		lock = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lock})
	if err != nil {
		return nil, fmt.Errorf("sandbox: open %s: %w", path, err)
	}
	if err := db.Update(createBuckets); err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox: open %s: %w", path, err)
	}
	h.db = db
	if err := h.loadGallery(); err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox: open %s: %w", path, err)
	}
	return h, nil
}

// Close closes the database file. Requests after Close fail.
func (h *Host) Close() error {
	if err := h.db.Close(); err != nil {
		return fmt.Errorf("sandbox: close: %w", err)
	}
	return nil
}

// clock returns the injected time in UTC, so stored times compare and
// print alike whatever the machine's zone.
func (h *Host) clock() time.Time { return h.now().UTC() }
