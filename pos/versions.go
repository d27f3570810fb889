package pos

import (
	"context"
	"errors"
	"fmt"

	"payterm/firmware/poslink"
	"payterm/update/manifest"
)

// Versions is the range of terminal firmware versions a POS release
// works with, both ends included; "" leaves an end open.
type Versions struct {
	Min, Max string
}

// ErrUnsupportedTerminal: the terminal runs a firmware version this POS
// does not support; it does not pair with it.
var ErrUnsupportedTerminal = errors.New("pos: terminal firmware version not supported")

// Check refuses a version outside the range, or one that is not a
// version at all, with ErrUnsupportedTerminal.
func (r Versions) Check(v string) error {
	for _, end := range []struct {
		bound string
		bad   int
		word  string
	}{{r.Min, -1, "older than"}, {r.Max, +1, "newer than"}} {
		if end.bound == "" {
			continue
		}
		c, err := manifest.CompareVersions(v, end.bound)
		if err != nil {
			return fmt.Errorf("%w: %q is not a version", ErrUnsupportedTerminal, v)
		}
		if c == end.bad {
			return fmt.Errorf("%w: terminal runs %s, %s %s (this POS supports %s)", ErrUnsupportedTerminal, v, end.word, end.bound, r)
		}
	}
	return nil
}

func (r Versions) String() string {
	lo, hi := r.Min, r.Max
	if lo == "" {
		lo = "any"
	}
	if hi == "" {
		hi = "any"
	}
	return lo + " to " + hi
}

// TerminalVersion asks the terminal its version (poslink's
// AdminUpdateStatus) and checks it against supported. A terminal too
// old to answer is refused too.
func TerminalVersion(ctx context.Context, c *poslink.Client, saleID, serviceID string, supported Versions) (poslink.UpdateStatus, error) {
	st, err := c.UpdateStatus(ctx, saleID, serviceID)
	var re *poslink.ResponseError
	if errors.As(err, &re) && re.Condition == poslink.CondUnavailableService {
		return st, fmt.Errorf("%w: the terminal does not report its version (firmware older than this POS)", ErrUnsupportedTerminal)
	}
	if err != nil {
		return st, fmt.Errorf("pos: terminal version: %w", err)
	}
	return st, supported.Check(st.Version)
}
