// Package scanner defines a barcode/QR scanner as the firmware sees it:
// armed only while the terminal wants a code, delivering whole codes.
package scanner

import "context"

// Scanner is a code reader with a trigger.
type Scanner interface {
	String() string
	// Halt releases the trigger and the port; Codes' channel closes.
	Halt() error
	// Arm holds the trigger (or sends the module's trigger command) so the
	// scanner reads; Disarm releases it. Codes read while disarmed are
	// dropped by the driver.
	Arm(ctx context.Context) error
	Disarm(ctx context.Context) error
	// Codes delivers each code read while armed.
	Codes() <-chan string
}

// None is the null scanner of a board without one: arming fails with a
// clear error, nothing is ever read.
var None Scanner = none{}

type none struct{}

func (none) String() string               { return "no scanner" }
func (none) Halt() error                  { return nil }
func (none) Arm(context.Context) error    { return errNone }
func (none) Disarm(context.Context) error { return nil }
func (none) Codes() <-chan string         { return nil }

var errNone = errorString("scanner: this board has no scanner")

type errorString string

func (e errorString) Error() string { return string(e) }
