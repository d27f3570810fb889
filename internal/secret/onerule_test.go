package secret

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The project has one masking rule (STYLE.md "one secret type"). These
// tests keep a second from creeping back: outside this package no
// non-test Go source may spell a mask ('*', "*", "****", a literal with
// "**") or declare a mask…Code/Token/Credential function that does not
// just call secret.Mask.

// maskFunc names a function that masks a credential.
var maskFunc = regexp.MustCompile(`(?i)^mask.*(code|token|credential|secret)`) // not a bit mask

// adHocMasking reports where f masks on its own.
func adHocMasking(fset *token.FileSet, f *ast.File) []string {
	var found []string
	// A "*" compared with (s == "*") or searched for (strings.Contains(s,
	// "** ")) is parsing, e.g. HTTP's unknown length in Content-Range or
	// U-Boot's error prefix, not a mask being made.
	compared := map[ast.Node]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				compared[n.X], compared[n.Y] = true, true
			}
		case *ast.CallExpr:
			if searches(n) {
				compared[n.Args[1]] = true // the needle
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		if compared[n] {
			return true
		}
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING && n.Kind != token.CHAR {
				break
			}
			v, err := strconv.Unquote(n.Value)
			if err == nil && (v == "*" || strings.Contains(v, "**")) {
				found = append(found, fset.Position(n.Pos()).String()+": mask literal "+n.Value)
			}
		case *ast.FuncDecl:
			if maskFunc.MatchString(n.Name.Name) && !callsMask(n) {
				found = append(found, fset.Position(n.Pos()).String()+": masking function "+n.Name.Name)
			}
		}
		return true
	})
	return found
}

// searchFuncs look for a substring without building one.
var searchFuncs = map[string]bool{"Contains": true, "HasPrefix": true, "HasSuffix": true, "Index": true, "Count": true, "Cut": true}

// searches: c is strings.F(s, needle) or bytes.F(s, needle) with F a
// search function.
func searches(c *ast.CallExpr) bool {
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || !searchFuncs[s.Sel.Name] {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && (id.Name == "strings" || id.Name == "bytes") && len(c.Args) == 2
}

// callsMask: the function delegates to secret.Mask.
func callsMask(fn *ast.FuncDecl) bool {
	calls := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Mask" {
				if id, ok := s.X.(*ast.Ident); ok && id.Name == "secret" {
					calls = true
				}
			}
		}
		return !calls
	})
	return calls
}

func TestAdHocMaskingIsFound(t *testing.T) {
	const src = `package p
import ("strings"; "payterm/internal/secret")
func maskCode(c string) string { return "****" + c[len(c)-4:] }
func MaskToken(c string) string { return strings.Repeat("*", len(c)) }
func hide(b []byte) { b[0] = '*' }
func MaskCode(c string) string { return secret.Mask(c) }
func mask(f uint32) uint32 { return f }
func unknownTotal(s string) bool { return s == "*" }
func ubootError(l string) bool { return strings.Contains(l, "** ") }
func stars(n int) string { return strings.Repeat("**", n) }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(adHocMasking(fset, f), "\n")
	for _, want := range []string{`"****"`, "function maskCode", "function MaskToken", `literal "*"`, `literal '*'`, `literal "**"`} {
		if !strings.Contains(got+"\n", want) {
			t.Errorf("not found: %s; found:\n%s", want, got)
		}
	}
	if n := strings.Count(got, `literal "*"`); n != 1 {
		t.Errorf("%d literal \"*\" reported, want 1 (a comparison is parsing):\n%s", n, got)
	}
	if strings.Contains(got, `"** "`) {
		t.Errorf("reported a search for \"** \" (parsing):\n%s", got)
	}
	for _, not := range []string{"function MaskCode", "function mask\n"} {
		if strings.Contains(got+"\n", not) {
			t.Errorf("reported %s (a delegate to secret.Mask, a bit mask):\n%s", not, got)
		}
	}
}

// TestNoOtherMaskingRule walks the module's non-test sources.
func TestNoOtherMaskingRule(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	here, _ := filepath.Abs(".")
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// As the go tool: testdata and dot/underscore directories hold no package.
			if path == here || (path != root && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, at := range adHocMasking(fset, f) {
			t.Errorf("%s: mask with secret.Code or secret.Mask instead", at)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("walked %d Go files under %s: not the module", files, root)
	}
}
