package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"payterm/firmware/order"
	"payterm/pos"
	"payterm/pos/ocr"
	"payterm/pos/orderread"
	"payterm/pos/receipttext"
	"payterm/pos/region"
)

// regionCommand is `pos region select|read`: the screen-region source.
//
//	pos region select [-display :0] [-region FILE]   # serve a screenshot on loopback; the cashier drags the order area
//	pos region read [-display :0] [-region FILE] [-currency CNY] [-id ID] [-send [-desk URL]]
//
// read prints the order as read and what needs the cashier; with -send
// it sends the order to the terminal when nothing does, and otherwise
// posts the read to the cashier desk (pos serve) for correction.
func regionCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "select" && args[0] != "read") {
		return errors.New("usage: pos region select|read [flags]")
	}
	var o options
	var display, file, currency, id, deskURL string
	var sendIt bool
	fs := flag.NewFlagSet("pos region "+args[0], flag.ContinueOnError)
	o.register(fs)
	fs.StringVar(&display, "display", "", "X display (empty: $DISPLAY)")
	fs.StringVar(&file, "region", "", "saved region (JSON); empty: region.json in the user config directory, under payterm/")
	fs.StringVar(&currency, "currency", "CNY", "the POS's currency (ISO 4217)")
	fs.StringVar(&id, "id", "", "order ID (default: SCREEN-<time>)")
	fs.BoolVar(&sendIt, "send", false, "send the order to the terminal when it was read without problems, else to the cashier desk (-desk)")
	fs.StringVar(&deskURL, "desk", "http://127.0.0.1:8070", "the cashier desk (pos serve) that takes a read with problems")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if file == "" {
		var err error
		if file, err = region.DefaultPath(); err != nil {
			return err
		}
	}
	scr, err := region.Open(display)
	if err != nil {
		return err
	}
	defer scr.Close()
	if args[0] == "select" {
		return selectRegion(ctx, scr, file, stdout)
	}
	saved, err := region.Load(file)
	if err != nil {
		return fmt.Errorf("%w (run pos region select first)", err)
	}
	cur, err := order.LookupCurrency(currency)
	if err != nil {
		return err
	}
	if id == "" {
		id = "SCREEN-" + time.Now().Format("20060102-150405")
	}
	eng, err := ocr.New(ocr.Preprocess{})
	if err != nil {
		return err
	}
	defer eng.Close()
	r, err := eng.ReadRegion(scr, saved, receipttext.Options{ID: id, Currency: cur})
	if err != nil {
		return err
	}
	printRead(stdout, r)
	if !r.Sendable() {
		if !sendIt {
			return errors.New("the order needs the cashier: not sent")
		}
		if err := postRead(ctx, deskURL, r); err != nil {
			return fmt.Errorf("the order needs the cashier: not sent: %w", err)
		}
		fmt.Fprintf(stdout, "held for the cashier at %s/\n", strings.TrimRight(deskURL, "/"))
		return nil
	}
	if !sendIt {
		return nil
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	agent, closeLink, err := newAgent(o, log)
	if err != nil {
		return err
	}
	defer closeLink()
	if err := ensurePairing(ctx, agent, o, stdout); err != nil {
		return err
	}
	out, err := agent.Pay(ctx, r.Order, pos.Mode(o.mode))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, out)
	return nil
}

// selectRegion serves the chooser on loopback until the cashier saves a
// rectangle (or ctx ends), then writes it to file.
func selectRegion(ctx context.Context, scr *region.Screen, file string, stdout io.Writer) error {
	shot, err := scr.CaptureAll()
	if err != nil {
		return err
	}
	c, err := region.NewChooser(shot)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: c.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(stdout, "open http://%s/ on this machine and drag a rectangle around the order\n", ln.Addr())
	select {
	case <-ctx.Done():
		return ctx.Err()
	case s := <-c.Chosen():
		if err := region.Save(file, s); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "region %v saved in %s\n", s.Rect(), file)
		return nil
	}
}

func printRead(w io.Writer, r orderread.Read) {
	o := r.Order
	for _, l := range o.Lines {
		fmt.Fprintf(w, "%-3s %-30s %8s%-3s %10s %10s\n", l.ID, l.Label, l.Quantity, l.Unit, order.FormatAmount(l.UnitPrice, o.Currency), order.FormatAmount(l.Amount, o.Currency))
	}
	for _, d := range o.Discounts {
		fmt.Fprintf(w, "    %-30s %34s\n", d.Label, "-"+order.FormatAmount(d.Amount, o.Currency))
	}
	fmt.Fprintf(w, "    total %s\n", order.Display(o.Total, o.Currency))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "CHECK %s\n", p)
	}
}

// postRead hands a read with problems to the cashier desk (POST /reads).
func postRead(ctx context.Context, deskURL string, r orderread.Read) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("desk: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(deskURL, "/")+"/reads", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("desk: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return fmt.Errorf("no cashier desk (pos serve) at %s: %w", deskURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		var e struct{ Error string }
		json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
		return fmt.Errorf("desk %s: %s %s", deskURL, resp.Status, e.Error)
	}
	return nil
}
