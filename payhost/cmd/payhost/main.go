// Command payhost serves the sandbox payment system over HTTP.
//
//	payhost -listen 127.0.0.1:8090 -db payhost.db [-seed-demo]
//
// With -seed-demo it makes sure an account "Demo customer" holding
// CNY 1000.00 exists and prints its id, so a demo can issue codes for it
// (POST /accounts/{id}/codes). It stops cleanly on SIGINT or SIGTERM.
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
