// Package uart drives a barcode/QR scanner module on a serial port, with
// an optional GPIO trigger line: the scanner.Scanner of real boards.
//
// The module sends each code as printable ASCII ended by CR or CR LF.
// The driver frames lines (see Verdict for what is discarded), delivers
// only codes read while armed, and arms the module the way its Protocol
// says. Codes appear in logs only as a secret.Code, which masks itself.
//
// The core works on any io.ReadWriter, so tests use pipes and ptys; Open
// opens a real port with go.bug.st/serial.
package uart

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"payterm/drivers/scanner"
)

var _ scanner.Scanner = (*Scanner)(nil)

// DefaultInterChar is the inter-character time-out when
// Options.InterChar is zero. A module sends a code in one burst (a byte
// takes about 1 ms at 9600 baud), so a pause this long means the rest
// of the line is lost.
const DefaultInterChar = 100 * time.Millisecond

// Clock makes timers. Tests pass a fake to fire the inter-character
// time-out by hand.
type Clock interface {
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Options configure a Scanner. The zero value is a plain-protocol module
// with no trigger line, default limits, the system clock and no logging.
type Options struct {
	// Name is what String returns; zero means "uart scanner".
	Name     string
	Protocol Protocol
	// Trigger is the module's trigger line; nil means NoTrigger.
	Trigger Trigger
	// MaxLen is the longest code accepted, in bytes; zero means
	// DefaultMaxLen.
	MaxLen int
	// InterChar is how long a line may pause before its partial is
	// discarded; zero means DefaultInterChar.
	InterChar time.Duration
	// Clock makes the inter-character timer; nil means the system clock.
	Clock  Clock
	Logger *slog.Logger
}

// Scanner is a scanner module on a byte stream. It is safe for
// concurrent use.
type Scanner struct {
	name      string
	proto     Protocol
	trig      Trigger
	port      io.ReadWriter
	log       *slog.Logger
	clock     Clock
	interChar time.Duration
	maxLen    int

	ctl sync.Mutex // serialises Arm, Disarm and Halt

	mu      sync.Mutex // guards the fields below and sends on codes
	armed   bool       // codes are taken
	reading bool       // the module may be (re)activated: armed and no Disarm begun
	halted  bool
	err     error // why reading stopped, once it has

	codes chan string
	cmds  chan command
	quit  chan struct{} // closed by Halt
	done  chan struct{} // closed when the framing loop has closed codes
}

// codeBuffer is how many codes wait for a slow reader before newer ones
// are dropped; a customer shows one code per capture.
const codeBuffer = 4

var errHalted = errors.New("uart: scanner halted")

// New starts a scanner on port, which it owns from now on: Halt closes
// it if it is an io.Closer (otherwise the reading goroutine ends only
// when a Read returns). The trigger is set inactive first; New fails
// only if that fails.
func New(port io.ReadWriter, opts Options) (*Scanner, error) {
	s := &Scanner{
		name:      opts.Name,
		proto:     opts.Protocol,
		trig:      opts.Trigger,
		port:      port,
		log:       opts.Logger,
		clock:     opts.Clock,
		interChar: opts.InterChar,
		maxLen:    opts.MaxLen,
		codes:     make(chan string, codeBuffer),
		cmds:      make(chan command),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	if s.name == "" {
		s.name = "uart scanner"
	}
	if s.trig == nil {
		s.trig = NoTrigger
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.interChar <= 0 {
		s.interChar = DefaultInterChar
	}
	if s.maxLen <= 0 {
		s.maxLen = DefaultMaxLen
	}
	if err := s.trig.Set(false); err != nil {
		return nil, fmt.Errorf("uart: %s: %w", s.name, err)
	}
	chunks := make(chan []byte)
	failed := make(chan error, 1)
	go s.read(chunks, failed)
	go s.frame(chunks, failed)
	go s.write()
	return s, nil
}

func (s *Scanner) String() string { return s.name }

// Codes delivers each code read while armed, at most codeBuffer ahead
// of the reader. It is closed by Halt, or when the port fails (see Err).
func (s *Scanner) Codes() <-chan string { return s.codes }

// Armed reports whether the scanner is armed.
func (s *Scanner) Armed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.armed
}

// Err reports why reading stopped, or nil while it goes on (and after
// Halt).
func (s *Scanner) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
