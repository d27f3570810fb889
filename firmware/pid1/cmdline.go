package pid1

import (
	"strings"
)

// Cmdline is the kernel command line split into parameters, in order.
type Cmdline []Param

// Param is one command-line word: Key=Value, or a bare Key (Value "",
// HasValue false).
type Param struct {
	Key      string
	Value    string
	HasValue bool
}

// ParseCmdline splits /proc/cmdline as the kernel does
// (lib/cmdline.c next_arg): words separated by whitespace; double quotes
// group spaces into a word and are removed.
func ParseCmdline(s string) Cmdline {
	var out Cmdline
	var word strings.Builder
	inWord, quoted := false, false
	flush := func() {
		if !inWord {
			return
		}
		k, v, ok := strings.Cut(word.String(), "=")
		out = append(out, Param{Key: k, Value: v, HasValue: ok})
		word.Reset()
		inWord = false
	}
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			inWord = true
		case !quoted && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			flush()
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return out
}

// Get returns the value of the last parameter called key, as the kernel
// lets a later parameter override an earlier one.
func (c Cmdline) Get(key string) (string, bool) {
	for i := len(c) - 1; i >= 0; i-- {
		if c[i].Key == key {
			return c[i].Value, true
		}
	}
	return "", false
}

// Cmdline keys PID 1 reads.
const (
	// CmdlineBoard names the board (payterm.board=qemu-virt), overriding
	// the device tree.
	CmdlineBoard = "payterm.board"
	// CmdlineSlot is the boot slot's partition, set by the boot script.
	CmdlineSlot = "payterm.slot"
)
