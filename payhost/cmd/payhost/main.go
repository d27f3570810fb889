// Command payhost serves the sandbox payment system over HTTP.
//
//	payhost -listen 127.0.0.1:8090 -db payhost.db [-seed-demo] [-terminal ID=HEXPUBKEY]...
//	        [-face-key FILE [-face-key-create] [-face-model DIR]]
//
// With -seed-demo it makes sure an account "Demo customer" holding
// CNY 1000.00 exists and prints its id, so a demo can issue codes for it
// (POST /accounts/{id}/codes).
//
// Payments need a statement signed by a registered terminal. Each
// -terminal ID=HEXPUBKEY registers terminal ID (its POIID) with its
// Ed25519 public key in hex before serving, replacing any key it had; the
// firmware prints its own with `payterm -identity` ("POIID KEYID
// HEXPUBKEY"). A running host takes new ones on its admin API:
//
//	curl -X PUT -d '{"public_key":"HEXPUBKEY"}' http://127.0.0.1:8090/admin/terminals/ID
//
// With -face-key it takes face payments: terminals seal face crops to
// the key's public half (printed as "face key X25519 HEX" and served at
// GET /v1/face-key) and the model in -face-model recognises them;
// -face-key-create makes a new key file when there is none.
//
// It stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "payhost:", err)
		os.Exit(1)
	}
}
