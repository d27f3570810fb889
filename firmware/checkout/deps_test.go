package checkout

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The pure core's dependency rules (DESIGN.md "Packages", STYLE.md 9):
// checkout imports nothing of ours but order, order nothing of ours at
// all, no third-party module, and neither touches the OS, the network or
// the clock. fmt and friends pull in os underneath, so the rule is on what
// our packages import themselves; the clock rule is on what they call.

// banned are standard packages our pure packages must not import.
var banned = []string{
	"os", "net", "syscall", "unsafe", "runtime", "reflect",
	"io/fs", "log", "log/slog", "math/rand", "math/rand/v2", "crypto/rand", "context", "sync",
}

// bannedPrefix are whole standard trees that mean I/O.
var bannedPrefix = []string{"os/", "net/", "syscall/", "runtime/", "internal/", "sync/"}

// clockCalls are the time functions that read or wait on the real clock;
// time itself is fine (Duration, Time arithmetic).
var clockCalls = []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}

type goPackage struct {
	ImportPath string
	Dir        string
	Standard   bool
	Imports    []string
	GoFiles    []string
}

func TestDeps(t *testing.T) {
	rules := map[string][]string{ // package → ours it may depend on
		"payterm/firmware/checkout": {"payterm/firmware/order"},
		"payterm/firmware/order":    nil,
	}
	for pkg, allowed := range rules {
		for _, p := range goList(t, pkg) {
			switch {
			case p.ImportPath == pkg:
				checkImports(t, p)
				checkNoClockOrGoroutines(t, p)
			case p.Standard:
			case slices.Contains(allowed, p.ImportPath):
				checkImports(t, p)
				checkNoClockOrGoroutines(t, p)
			default:
				t.Errorf("%s depends on %s", pkg, p.ImportPath)
			}
		}
	}
}

// goList returns pkg and everything it depends on, excluding tests.
func goList(t *testing.T, pkg string) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", pkg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pkg, err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 || pkgs[len(pkgs)-1].ImportPath != pkg {
		t.Fatalf("go list %s listed no such package", pkg)
	}
	return pkgs
}

func checkImports(t *testing.T, p goPackage) {
	for _, imp := range p.Imports {
		bad := slices.Contains(banned, imp)
		for _, pre := range bannedPrefix {
			bad = bad || strings.HasPrefix(imp, pre)
		}
		if bad {
			t.Errorf("%s imports %s", p.ImportPath, imp)
		}
	}
}

// checkNoClockOrGoroutines parses the package's non-test files: no call
// reads the real clock and no go statement starts a goroutine.
func checkNoClockOrGoroutines(t *testing.T, p goPackage) {
	fset := token.NewFileSet()
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		timeName := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"time"` {
				timeName = "time"
				if imp.Name != nil {
					timeName = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: go statement", fset.Position(n.Pos()))
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && timeName != "" && id.Name == timeName && slices.Contains(clockCalls, n.Sel.Name) {
					t.Errorf("%s: time.%s reads the real clock", fset.Position(n.Pos()), n.Sel.Name)
				}
			}
			return true
		})
	}
}
