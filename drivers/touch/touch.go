// Package touch defines touch input as the firmware sees it: points in
// panel pixel coordinates, already calibrated and rotated by the driver.
package touch

import (
	"context"
	"image"
)

// Kind is what a finger did.
type Kind int

const (
	Down Kind = iota
	Move
	Up
)

// Event is one finger report in panel pixels.
type Event struct {
	Kind Kind
	At   image.Point
}

// Touch is a touch panel.
type Touch interface {
	String() string
	// Halt stops reporting; Events' channel closes.
	Halt() error
	// Events delivers reports until ctx ends or the device goes away, then
	// closes the channel.
	Events(ctx context.Context) <-chan Event
}
