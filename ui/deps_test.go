package ui

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports keeps ui a pure drawing package: the standard library, gg,
// x/image and the checkout contract, never drivers or the firmware.
func TestImports(t *testing.T) {
	allowed := []string{"github.com/fogleman/gg", "golang.org/x/image/", "payterm/firmware/checkout", "payterm/firmware/order", "payterm/ui/catalog"}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range ast.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if !strings.Contains(strings.Split(path, "/")[0], ".") && !strings.HasPrefix(path, "payterm/") {
				continue // standard library
			}
			ok := false
			for _, a := range allowed {
				ok = ok || path == a || strings.HasPrefix(path, a)
			}
			if !ok {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
