package secret

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Code is a payment code or face token. Every way fmt and log/slog print
// it (String, GoString, Format for all verbs and flags, LogValue) shows
// Mask of it; Reveal gives the code itself, for the places that must send
// it.
//
// Encoders do not mask: encoding/json and friends write the real code, as
// for any string. Wire and storage structs keep codes as plain strings and
// convert at the boundary; a struct logged through slog's JSON handler, or
// printed with an unexported Code field, is not protected — log the Code
// itself.
type Code string

// Reveal returns the code unmasked, to send it to whoever must have it.
func (c Code) Reveal() string { return string(c) }

// String returns the masked code.
func (c Code) String() string { return Mask(string(c)) }

// GoString returns the masked code as a Go expression, for %#v.
func (c Code) GoString() string { return "secret.Code(" + strconv.Quote(c.String()) + ")" }

// Format prints the masked code for every verb, honouring width and flags
// (%q quotes it, %x hexes the masked form).
func (c Code) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, c.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), c.String())
}

// LogValue makes slog log the masked code.
func (c Code) LogValue() slog.Value { return slog.StringValue(c.String()) }
