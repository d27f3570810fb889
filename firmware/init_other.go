//go:build !linux

package main

import "errors"

func runInit() error { return errors.New("payterm runs as PID 1 on Linux only") }
