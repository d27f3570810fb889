package moddep

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Builtin is the set of modules compiled into the kernel, keyed by Name.
// Asking to load one is not an error: it is already there.
type Builtin map[string]bool

// ParseBuiltin reads modules.builtin: one module path per line, relative
// to /lib/modules/<release>. Blank lines and '#' comments are ignored.
func ParseBuiltin(r io.Reader) (Builtin, error) {
	b := Builtin{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := checkPath(line); err != nil {
			return nil, fmt.Errorf("moddep: modules.builtin line %d: %w", n, err)
		}
		b[Name(line)] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("moddep: modules.builtin: %w", err)
	}
	return b, nil
}

// Has reports whether the module called name is built in.
func (b Builtin) Has(name string) bool { return b[Name(name)] }
