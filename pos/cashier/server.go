package cashier

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"payterm/pos"
	"payterm/pos/orderread"
)

//go:embed page.html
var page []byte

// maxBody bounds a request body (an order file is at most 1 MiB).
const maxBody = 1 << 20

// Handler serves the cashier page and the local API, for loopback only:
//
//	GET  /          the page
//	GET  /state     the desk's Snapshot as JSON
//	GET  /events    the Snapshot as server-sent events, one per change
//	POST /orders    a new order from POS software: the JSON order file
//	                (Content-Type application/json) or CSV (text/csv,
//	                ?id=&currency=); 202 taken (sent, or held when it has
//	                problems: the body says), 400 unreadable, 409 busy
//	POST /send      the cashier's corrected order (JSON order file); 202
//	                sent, 422 problems (held), 409 busy
//	POST /reads     an orderread.Read as JSON (pos region read -send): put
//	                on the desk after Check, as /orders; 202, 400, 409
//	POST /read-screen  read the POS screen now (Desk.ReadScreen); 202 as
//	                /orders, 409 busy, 501 no screen source, 502 the
//	                capture or OCR failed
//	GET  /capture.png  the screen image the order on the desk was read
//	                from (memory only); 404 when there is none
//
// Requests whose Host is not a loopback name, and cross-site POSTs (an
// Origin other than the page's own), are refused: a web site open in the
// cashier's browser must not be able to send orders.
func Handler(d *Desk) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		w.Write(page)
	})
	mux.HandleFunc("GET /state", func(w http.ResponseWriter, r *http.Request) {
		s, _ := d.Snapshot()
		writeJSON(w, http.StatusOK, s)
	})
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) { events(w, r, d) })
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) { submit(w, r, d) })
	mux.HandleFunc("POST /send", func(w http.ResponseWriter, r *http.Request) {
		var f pos.OrderFile
		dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		answer(w, d.Send(f))
	})
	mux.HandleFunc("POST /reads", func(w http.ResponseWriter, r *http.Request) {
		var read orderread.Read
		dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&read); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		taken(w, d, d.SubmitPosted(read))
	})
	mux.HandleFunc("POST /read-screen", func(w http.ResponseWriter, r *http.Request) {
		_, err := d.ReadScreen(r.Context())
		switch {
		case errors.Is(err, ErrNoScreen):
			writeJSON(w, http.StatusNotImplemented, map[string]string{"error": err.Error()})
		case err != nil && !errors.Is(err, ErrBusy):
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		default:
			taken(w, d, err)
		}
	})
	mux.HandleFunc("GET /capture.png", func(w http.ResponseWriter, r *http.Request) {
		b, _ := d.Capture()
		if b == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	})
	return guard(mux)
}

// answer maps a desk error to a status.
func answer(w http.ResponseWriter, err error) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "sent"})
	case errors.Is(err, ErrBusy):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": err.Error()})
	}
}

// submit reads an order from POS software through the same readers and
// check as files, and puts it on the desk.
func submit(w http.ResponseWriter, r *http.Request, d *Desk) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	kind := map[string]string{"application/json": "json", "text/csv": "csv"}[ct]
	if kind == "" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "want application/json or text/csv"})
		return
	}
	q := r.URL.Query()
	read, err := orderread.ReadKind(io.LimitReader(r.Body, maxBody), kind,
		orderread.Options{ID: q.Get("id"), Currency: q.Get("currency"), Source: "api"})
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	taken(w, d, d.Submit(read))
}

// taken answers a Submit: 202 with the stage and the problems the desk
// holds, or the error's status.
func taken(w http.ResponseWriter, d *Desk, err error) {
	if err != nil {
		answer(w, err)
		return
	}
	s, _ := d.Snapshot()
	writeJSON(w, http.StatusAccepted, map[string]any{"stage": s.Stage, "problems": s.Problems})
}

// events streams the snapshot, once now and once per change.
func events(w http.ResponseWriter, r *http.Request, d *Desk) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	for {
		s, changed := d.Snapshot()
		var b bytes.Buffer
		json.NewEncoder(&b).Encode(s)
		if _, err := fmt.Fprintf(w, "data: %s\n", b.Bytes()); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		}
	}
}

// guard refuses requests not addressed to a loopback name (DNS
// rebinding) and POSTs from another origin (cross-site requests).
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !isLoopbackName(host) {
			http.Error(w, "cashier: loopback only", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); r.Method != http.MethodGet && o != "" && o != "http://"+r.Host {
			http.Error(w, "cashier: cross-site request refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isLoopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
