package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"payterm/board"
	"payterm/firmware/checkout"
	"payterm/firmware/pid1"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/internal/version"
)

// link is the terminal's side of the POS link: one nexo server behind
// every transport.
type link struct {
	cfg config
	srv *poslink.Server
	log *slog.Logger
}

func newLink(cfg config, term poslink.Terminal, store *poslink.Store, status func() string, jexp poslink.JournalSource, log *slog.Logger) (*link, error) {
	var sks []poslink.SecurityKey
	for _, k := range cfg.Keys {
		sks = append(sks, poslink.SecurityKey{KeyIdentifier: k.ID, KeyVersion: k.Version, Passphrase: k.Passphrase})
	}
	keys, err := poslink.NewKeys(sks...)
	if err != nil {
		return nil, fmt.Errorf("link keys: %w", err)
	}
	// validate checked it; 0 keeps poslink's defaults.
	readTimeout, _ := cfg.linkReadTimeout()
	srv := poslink.NewServer(poslink.ServerConfig{
		ReadHeaderTimeout: readTimeout,
		ReadTimeout:       readTimeout,
		POIID:             cfg.POIID,
		Keys:              keys,
		AllowPlaintext:    cfg.AllowPlaintext,
		Journal:           jexp,
		Identity:          identityOf(term),
		Version:           version.Firmware(),
		Diagnose: func() poslink.Diagnosis {
			return poslink.Diagnosis{Status: status(), Log: logLines(cfg.logRing)}
		},
	}, term, store, log)
	return &link{cfg: cfg, srv: srv, log: log}, nil
}

// tlsFiles returns the configured certificate, or writes a self-signed
// dev certificate into the data directory once and uses that.
func (l *link) tlsFiles() (cert, key string, err error) {
	if l.cfg.TLSCert != "" {
		return l.cfg.TLSCert, l.cfg.TLSKey, nil
	}
	cert = filepath.Join(l.cfg.DataDir, "dev-tls-cert.pem")
	key = filepath.Join(l.cfg.DataDir, "dev-tls-key.pem")
	_, errC := os.Stat(cert)
	_, errK := os.Stat(key)
	if errC == nil && errK == nil {
		return cert, key, nil
	}
	if err := poslink.WriteDevCertificate(cert, key, devCertHosts(l.cfg.POIID), time.Now()); err != nil {
		return "", "", fmt.Errorf("dev certificate: %w", err)
	}
	return cert, key, nil
}

// serveHTTPS serves nexo on addr until ctx ends, on poslink's HTTPS
// server and its limits (header, body and idle timeouts, header and body
// sizes, in-flight requests).
func (l *link) serveHTTPS(ctx context.Context, addr string) error {
	certFile, keyFile, err := l.tlsFiles()
	if err != nil {
		return err
	}
	if err := l.srv.ListenAndServeTLS(ctx, addr, certFile, keyFile); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	return nil
}

// serveSerial serves nexo over a framed byte stream on a serial port. A
// missing or failing port is logged and retried: the HTTPS link and the
// customer's screen carry on.
func (l *link) serveSerial(ctx context.Context, port string, baud int) error {
	for {
		err := l.serveSerialOnce(ctx, port, baud)
		if ctx.Err() != nil {
			return nil
		}
		l.log.Warn("serial link down; retrying", "port", port, "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
}

func (l *link) serveSerialOnce(ctx context.Context, port string, baud int) error {
	rw, err := stream.OpenSerial(port, baud)
	if err != nil {
		return err
	}
	defer rw.Close()
	conn := stream.New(rw, stream.Options{Logger: l.log, ByteRate: stream.ByteRate(baud)})
	defer conn.Close()
	l.log.Info("nexo over serial", "port", port, "baud", baud)
	return stream.Serve(ctx, conn, l.srv.HandleMessage)
}

func serialPort(cfg config, b board.Board) string {
	switch cfg.Serial {
	case "-":
		return ""
	case "":
		return b.Link.SerialPort
	}
	return cfg.Serial
}

func serialBaud(cfg config, b board.Board) int {
	if cfg.SerialBaud > 0 {
		return cfg.SerialBaud
	}
	if b.Link.SerialBaud > 0 {
		return b.Link.SerialBaud
	}
	return 115200
}

// adyenLeafName is the shape of name Adyen's POS libraries accept as a
// terminal certificate's CN: <model>-<serial>.test.terminal.adyen.com.
var adyenLeafName = regexp.MustCompile(`^[A-Za-z0-9]+-[A-Za-z0-9]+$`)

// devCertHosts names the dev certificate so that a POS built on Adyen's
// libraries accepts it when given the certificate file as its CA (their
// check compares the CN, not the address), and so that plain clients can
// verify it for localhost.
func devCertHosts(poiID string) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if adyenLeafName.MatchString(poiID) {
		hosts = append([]string{poiID + ".test.terminal.adyen.com"}, hosts...)
	}
	return hosts
}

// logLines splits the kept log into whole lines, oldest first.
func logLines(r *pid1.Ring) []string {
	if r == nil {
		return nil
	}
	b := r.Bytes()
	if r.Written() > int64(len(b)) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:] // the oldest line was cut by the ring
		}
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// settle stores the final answer of a Payment a restart cut short, so that
// the POS's TransactionStatus (or a repeat) gets it.
func (l *link) settle(st checkout.Settle) error {
	saleID, serviceID, ok := strings.Cut(string(st.Req), "/")
	if !ok {
		return fmt.Errorf("link: settle: request %q is not SaleID/ServiceID", st.Req)
	}
	res := poslink.Result{Approved: st.Approved, Hash: st.Hash, Reason: st.Reason, Reference: st.Reference, Ref: st.Ref}
	if !st.Approved {
		res.Condition = condition(st.Cond)
	}
	return l.srv.Settle(saleID, serviceID, res, st.Currency, st.Amount)
}

// settleInterrupted answers, for TransactionStatus, every Payment a
// restart cut short whose fate the journal already tells; the others are
// settled when the checkout has resolved their open attempts.
func (l *link) settleInterrupted(p *payments) (settled []checkout.Settle) {
	entries, err := l.srv.InterruptedPayments()
	if err != nil {
		l.log.Error("interrupted payments unreadable", "err", err)
		return nil
	}
	for _, e := range entries {
		st, ok := p.settleInterrupted(checkout.RequestID(e.SaleID + "/" + e.ServiceID))
		if !ok {
			continue
		}
		if err := l.settle(st); err != nil {
			l.log.Error("interrupted payment not settled", "sale", e.SaleID, "service", e.ServiceID, "err", err)
			continue
		}
		settled = append(settled, st)
	}
	return settled
}
