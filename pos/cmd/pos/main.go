// Command pos is the POS agent: it sends an order to a payment terminal
// over HTTPS or a serial port, relays the captured credential to the
// payment system (relay mode) and prints the outcome.
//
//	pos send -order order.json [-mode relay|direct] [-terminal URL | serial:/dev/ttyUSB0]
//	pos serve [-listen 127.0.0.1:8070] [-watch DIR] [-region [-display :0]] [-bundle FILE|URL [-bundle-key FILE] [-bundle-cache DIR]]  # the cashier page, the local order API, a watched folder, Read screen; updates an older terminal in the background
//	pos demo   # press Enter to send a sample order; prints a fresh payment code
//	pos logs   # the terminal's status and the tail of its log
//	pos pair -out FILE # learn the terminal's signing key over the encrypted link
//	pos update -bundle FILE|URL [-bundle-key FILE] [-bundle-cache DIR] [-chunk N] # send this release's terminal bundle when the terminal is older; resumes
//	pos journal -out FILE [-terminal-key HEX]   # append the terminal's journal to FILE, verify, let it prune
//	pos region select|read   # the screen-region source: choose the order area once, then read it by OCR (region.go)
//
// Relay mode verifies every credential with the key learned at pairing:
// send and demo pair on first use and keep the pairing in -pairing
// (default: pairing-<POIID>.json in the user's config directory, under
// payterm/); journal verifies with the pairing unless -terminal-key pins
// a key.
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/pos"
	"payterm/pos/ocr"
)

func main() {
	if usesOCR(os.Args[1:]) {
		// tesseract must start on one thread: this re-executes pos with
		// OMP_THREAD_LIMIT=1 when it is not set (ocr.LimitThreads).
		if err := ocr.LimitThreads(); err != nil {
			fmt.Fprintln(os.Stderr, "pos:", err)
			os.Exit(1)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "pos:", err)
		os.Exit(1)
	}
}

// usesOCR says whether the command may run tesseract: pos region, and
// pos serve (with -region; checked without parsing the flags, so any
// serve limits the threads — a re-exec costs little once).
func usesOCR(args []string) bool {
	return len(args) > 0 && (args[0] == "region" || args[0] == "serve")
}

// options are the flags both subcommands share.
type options struct {
	terminal    string
	poiID       string
	saleID      string
	keyID       string
	keyVersion  int
	passphrase  string
	plain       bool
	caFile      string
	payhost     string
	mode        string
	terminalKey string
	baud        int
	orderFile   string
	outFile     string
	pairingFile string
	bundle      string
	chunk       int
	bundleFrom  bundleOptions
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.terminal, "terminal", "https://127.0.0.1:8443/nexo", "terminal: an https:// URL, or serial:PATH for a serial link")
	fs.StringVar(&o.poiID, "poiid", "PT1-0001", "the terminal's POIID")
	fs.StringVar(&o.saleID, "sale-id", "POS-1", "this POS's SaleID")
	fs.StringVar(&o.keyID, "key-id", "payterm-dev", "nexo KeyIdentifier")
	fs.IntVar(&o.keyVersion, "key-version", 1, "nexo KeyVersion")
	fs.StringVar(&o.passphrase, "passphrase", "payterm-dev-passphrase", "nexo key passphrase (the default is the public DEV key)")
	fs.BoolVar(&o.plain, "plain", false, "send unencrypted nexo (terminals may refuse it)")
	fs.StringVar(&o.caFile, "ca", "", "PEM file of the terminal's certificate or CA; empty accepts the dev certificate unverified")
	fs.StringVar(&o.payhost, "payhost", "http://127.0.0.1:8090", "payment system URL (relay mode)")
	fs.StringVar(&o.mode, "mode", "relay", "relay: the POS charges the credential; direct: the terminal charges")
	fs.StringVar(&o.terminalKey, "terminal-key", "", "hex Ed25519 public key of the terminal, pinned instead of the pairing")
	fs.StringVar(&o.pairingFile, "pairing", "", "pairing file (JSON: poiid, key_id, public_key); empty: pairing-<POIID>.json in the user config directory")
	fs.IntVar(&o.baud, "baud", 115200, "serial link baud rate")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: pos send|serve|demo|logs|journal|pair|update|region [flags]")
	}
	if args[0] == "region" {
		return regionCommand(ctx, args[1:], stdout)
	}
	var o options
	var so serveOptions
	fs := flag.NewFlagSet("pos "+args[0], flag.ContinueOnError)
	o.register(fs)
	switch args[0] {
	case "send":
		fs.StringVar(&o.orderFile, "order", "", "order file (JSON)")
	case "journal":
		fs.StringVar(&o.outFile, "out", "", "export file: the journal's batches, appended")
	case "pair":
		fs.StringVar(&o.outFile, "out", "", "pairing file to write (default: -pairing)")
	case "serve":
		fs.StringVar(&so.listen, "listen", "127.0.0.1:8070", "cashier page and local order API (loopback only)")
		fs.StringVar(&so.watch, "watch", "", "folder to watch for receipt PDFs, CSV and JSON orders (done/ and failed/ are made in it)")
		fs.StringVar(&so.currency, "currency", "CNY", "currency of receipts and CSV files that name none")
		fs.BoolVar(&so.auto, "auto", true, "send orders read without problems at once (orders with problems always wait for the cashier)")
		fs.BoolVar(&so.region, "region", false, "add Read screen to the cashier page: OCR of the saved screen region (pos region select)")
		fs.StringVar(&so.regionFile, "region-file", "", "saved region for -region; empty: region.json in the user config directory, under payterm/")
		fs.StringVar(&so.display, "display", "", "X display for -region (empty: $DISPLAY)")
		fs.StringVar(&so.bundle, "bundle", "", "the terminal bundle of this POS release, a file or an https:// URL: sent in the background when the terminal runs an older version")
		o.bundleFrom.register(fs)
	case "update":
		fs.StringVar(&o.bundle, "bundle", "", "the terminal bundle of this POS release: a file, or an https:// URL (static server, object store, presigned S3/MinIO) downloaded into -bundle-cache, resuming")
		o.bundleFrom.register(fs)
		fs.IntVar(&o.chunk, "chunk", pos.DefaultChunk, "bytes per chunk (at most 65536); 16 KiB keeps a sale's wait behind a chunk at 115200 baud under 3 s")
	case "demo", "logs":
	default:
		return fmt.Errorf("unknown command %q: want send, serve, demo, logs, journal, pair or update", args[0])
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	agent, closeLink, err := newAgent(o, log)
	if err != nil {
		return err
	}
	defer closeLink()
	switch args[0] {
	case "pair":
		return pairCommand(ctx, agent, o, stdout)
	case "update":
		return updateCommand(ctx, agent, o, o.bundle, o.chunk, stdout)
	case "send":
		if o.orderFile == "" {
			return errors.New("send: -order is required")
		}
		if err := ensurePairing(ctx, agent, o, stdout); err != nil {
			return err
		}
		return send(ctx, agent, o, stdout)
	case "serve":
		if err := ensurePairing(ctx, agent, o, stdout); err != nil {
			return err
		}
		return serve(ctx, agent, o, so, log, stdout)
	case "logs":
		d, err := agent.Terminal.Diagnosis(ctx, o.saleID, newServiceID())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "terminal %s: %s\n", o.poiID, d.Status)
		for _, l := range d.Log {
			fmt.Fprintln(stdout, l)
		}
		return nil
	case "journal":
		pub, err := journalKey(agent, o)
		if err != nil {
			return err
		}
		return exportJournal(ctx, agent, o, pub, stdout)
	}
	if err := ensurePairing(ctx, agent, o, stdout); err != nil {
		return err
	}
	return demo(ctx, agent, o, stdin, stdout)
}

func newAgent(o options, log *slog.Logger) (*pos.Agent, func(), error) {
	transport, closeLink, err := dial(o)
	if err != nil {
		return nil, nil, err
	}
	cfg := poslink.ClientConfig{POIID: o.poiID, Transport: transport}
	if !o.plain {
		cfg.Key = &poslink.SecurityKey{KeyIdentifier: o.keyID, KeyVersion: o.keyVersion, Passphrase: o.passphrase}
	}
	client, err := poslink.NewClient(cfg)
	if err != nil {
		closeLink()
		return nil, nil, err
	}
	a := &pos.Agent{
		Terminal:     client,
		POIID:        o.poiID,
		SaleID:       o.saleID,
		Payer:        payhost.NewHTTPClient(o.payhost, nil),
		Log:          log,
		NewServiceID: newServiceID,
	}
	if o.terminalKey != "" {
		k, err := hex.DecodeString(o.terminalKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			closeLink()
			return nil, nil, errors.New("-terminal-key: want 64 hex digits")
		}
		a.Pairing = pos.PairingOf(o.poiID, k)
	}
	return a, closeLink, nil
}

// dial opens the link: HTTPS, or the framed stream over a serial port.
func dial(o options) (poslink.Transport, func(), error) {
	if path, ok := strings.CutPrefix(o.terminal, "serial:"); ok {
		port, err := stream.OpenSerial(path, o.baud)
		if err != nil {
			return nil, nil, err
		}
		conn := stream.New(port, stream.Options{ByteRate: stream.ByteRate(o.baud)})
		c := stream.NewClient(conn)
		return c.RoundTrip, func() { c.Close(); conn.Close() }, nil
	}
	if !strings.HasPrefix(o.terminal, "https://") {
		return nil, nil, fmt.Errorf("-terminal %q: want https://… or serial:PATH", o.terminal)
	}
	if o.caFile == "" {
		return poslink.NewHTTPSTransport(o.terminal, nil, true), func() {}, nil
	}
	pem, err := os.ReadFile(o.caFile)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, nil, fmt.Errorf("-ca %s: no PEM certificate", o.caFile)
	}
	return poslink.NewHTTPSTransport(o.terminal, pool, false), func() {}, nil
}

// newServiceID is random: unique per SaleID for far longer than 48 h.
func newServiceID() string {
	b := make([]byte, 5)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func send(ctx context.Context, a *pos.Agent, o options, stdout io.Writer) error {
	if o.orderFile == "" {
		return errors.New("send: -order is required")
	}
	f, err := os.Open(o.orderFile)
	if err != nil {
		return err
	}
	ord, err := pos.ReadOrder(f)
	f.Close()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sending order %s (%d lines, %s) in %s mode\n", ord.ID, len(ord.Lines), order.Display(ord.Total, ord.Currency), o.mode)
	out, err := a.Pay(ctx, ord, pos.Mode(o.mode))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, out)
	if !out.Paid {
		return errors.New("not paid")
	}
	return nil
}

// demo keeps one sandbox customer and sends the sample order each time
// Enter is pressed. Without input it keeps running until stopped.
func demo(ctx context.Context, a *pos.Agent, o options, stdin io.Reader, stdout io.Writer) error {
	admin := &sandbox.AdminClient{Base: o.payhost, HC: &http.Client{Timeout: 10 * time.Second}}
	acct, err := admin.CreateAccount(ctx, sandbox.NewAccount{Name: "Demo customer", Currency: "CNY", Balance: 100000})
	if err != nil {
		return fmt.Errorf("demo: payment host: %w", err)
	}
	fmt.Fprintf(stdout, "demo customer account %s with %s\n", acct.ID, order.Display(acct.Balance, order.MustCurrency("CNY")))
	if code, err := admin.IssueCode(ctx, acct.ID); err == nil {
		fmt.Fprintf(stdout, "a payment code to try (valid until %s): %s\n  more: curl -X POST %s/accounts/%s/codes\n",
			code.ExpiresAt.Local().Format("15:04:05"), code.Code, strings.TrimRight(o.payhost, "/"), acct.ID)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	n := 0
	fmt.Fprintln(stdout, "press Enter to send a sample order (Ctrl-C to stop)")
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-lines:
			if !ok {
				fmt.Fprintln(stdout, "no more input: the terminal stays up for other POS clients; Ctrl-C to stop")
				lines = nil
				continue
			}
		}
		n++
		ord, err := pos.SampleOrder(fmt.Sprintf("DEMO-%04d", n))
		if err != nil {
			return err
		}
		code, err := admin.IssueCode(ctx, acct.ID)
		if err != nil {
			fmt.Fprintln(stdout, "could not issue a payment code:", err)
			continue
		}
		fmt.Fprintf(stdout, "order %s sent: %s. Confirm it on the terminal, choose payment code, and scan:\n    %s   (valid until %s)\n",
			ord.ID, order.Display(ord.Total, ord.Currency), code.Code, code.ExpiresAt.Local().Format("15:04:05"))
		go func() {
			out, err := a.Pay(ctx, ord, pos.Mode(o.mode))
			if err != nil {
				fmt.Fprintf(stdout, "order %s: %v\n", ord.ID, err)
				return
			}
			fmt.Fprintf(stdout, "order %s: %s\n", ord.ID, out)
			if acc, err := admin.Account(ctx, acct.ID); err == nil {
				fmt.Fprintf(stdout, "demo customer balance: %s\n", order.Display(acc.Balance, order.MustCurrency("CNY")))
			}
		}()
	}
}
