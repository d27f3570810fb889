//go:build tools

// Package tools pins modules that the firmware's later stages use (camera,
// scanner, documents, face detection) so go.mod records their exact
// versions. It is never built.
package tools

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/esimov/pigo/core"
	_ "github.com/fogleman/gg"
	_ "github.com/gen2brain/go-fitz"
	_ "github.com/vladimirvivien/go4vl/v4l2"
	_ "go.bug.st/serial"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/image/font/opentype"
	_ "golang.org/x/sys/unix"
	_ "periph.io/x/conn/v3/gpio"
	_ "periph.io/x/host/v3/gpioioctl"
)
