package poslink

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultPort is where Adyen's local Terminal API listens (HTTPS).
const DefaultPort = "8443"

// Handler serves POST /nexo and /nexo/ (Adyen's libraries use the
// latter) on its own ServeMux. The body is one SaleToPOIRequest; the
// answer is HTTP 200 with the SaleToPOIResponse (empty for an Abort), 400
// with a short text for a message without a readable header, 413 for one
// over MaxBody, 503 when MaxInFlight requests are already being served,
// 405 for other methods.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	h := http.HandlerFunc(s.serveHTTP)
	mux.Handle("POST /nexo", h)
	mux.Handle("POST /nexo/{$}", h)
	return mux
}

func (s *Server) serveHTTP(w http.ResponseWriter, req *http.Request) {
	// The body is read before an in-flight slot is taken: a sender that
	// promises a body and never sends it holds no slot, only its
	// connection, until ReadTimeout closes it.
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, int64(s.cfg.MaxBody)))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.log.Warn("nexo message rejected", "remote", req.RemoteAddr, "err", ErrTooLarge, "limit", s.cfg.MaxBody)
			http.Error(w, fmt.Sprintf("message over %d bytes", s.cfg.MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		http.Error(w, "terminal busy: too many requests in flight", http.StatusServiceUnavailable)
		return
	}
	reply, err := s.serve(req.Context(), body)
	if errors.Is(err, ErrNoReply) {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(reply) > 0 {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(http.StatusOK)
	w.Write(reply)
}

// ListenAndServeTLS serves Handler over HTTPS on addr (":8443") with the
// certificate and key in the given PEM files, until ctx ends; then it
// shuts down, ending the requests in flight (their Terminal calls see
// ctx end). It returns nil after a shutdown by ctx. The server's limits
// are ServerConfig's: see ServeTLS.
func (s *Server) ListenAndServeTLS(ctx context.Context, addr, certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("poslink: TLS certificate: %w", err)
	}
	return s.ListenAndServeTLSCert(ctx, addr, cert)
}

// ListenAndServeTLSCert is ListenAndServeTLS with a certificate in hand.
func (s *Server) ListenAndServeTLSCert(ctx context.Context, addr string, cert tls.Certificate) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("poslink: listen %s: %w", addr, err)
	}
	return s.ServeTLS(ctx, ln, cert)
}

// ServeTLS serves Handler over HTTPS on ln until ctx ends, as
// ListenAndServeTLS does, and closes ln. It is the link's one HTTPS
// server: HTTP/1.1 only (a POS sends one request per connection at a
// time), with ServerConfig's header, body (ReadTimeout: a Payment's reply
// may take minutes, so there is no write timeout) and idle timeouts and
// header size limit. A connection that sends nothing, or half a request,
// costs a goroutine and a few small buffers until its timeout closes it.
func (s *Server) ServeTLS(ctx context.Context, ln net.Listener, cert tls.Certificate) error {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	srv := &http.Server{
		Handler: s.Handler(),
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert},
			NextProtos: []string{"http/1.1"}},
		Protocols:         protocols,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	s.log.Info("nexo HTTPS listening", "addr", ln.Addr().String(),
		"read_timeout", s.cfg.ReadTimeout, "max_in_flight", s.cfg.MaxInFlight)
	select {
	case err := <-errc:
		return fmt.Errorf("poslink: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	<-errc
	return nil
}
