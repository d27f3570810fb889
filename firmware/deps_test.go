package main

import (
	"os/exec"
	"strings"
	"testing"
)

// listDeps returns the packages of ours that pkg depends on, for the given
// target (GOOS/GOARCH/CGO_ENABLED as environment entries).
func listDeps(t *testing.T, env []string, pkgs ...string) map[string][]string {
	t.Helper()
	args := append([]string{"list", "-deps", "-f", `{{.ImportPath}}:{{join .Imports " "}}`}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, imports, _ := strings.Cut(line, ":")
		if strings.HasPrefix(path, "payterm/") {
			deps[path] = strings.Fields(imports)
		}
	}
	return deps
}

// The terminal's arm64 build links no simulated device and no virtual
// terminal page: what ships drives real hardware only (STYLE.md 9).
func TestArm64BuildLinksNoSim(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	deps := listDeps(t, []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1"}, "payterm/firmware")
	if len(deps) < 10 {
		t.Fatalf("only %d packages of ours listed: %v", len(deps), deps)
	}
	for path := range deps {
		last := path[strings.LastIndex(path, "/")+1:]
		fake := strings.HasSuffix(last, "sim") || strings.HasSuffix(last, "test") && last != "attest"
		if fake || path == "payterm/firmware/virtual" {
			t.Errorf("the arm64 firmware links %s", path)
		}
	}
	for _, want := range []string{"payterm/drivers/display/fbdev", "payterm/drivers/touch/evdev", "payterm/drivers/scanner/uart", "payterm/drivers/camera/v4l2cam"} {
		if _, ok := deps[want]; !ok {
			t.Errorf("the arm64 firmware does not link %s", want)
		}
	}
}

// Layering (DESIGN.md "Packages"): drivers import no ui and no firmware;
// ui imports no drivers; the link and the checkout core know no drivers.
func TestLayering(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	deps := listDeps(t, []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1"}, "payterm/...")
	rules := []struct{ from, banned string }{
		{"payterm/drivers/", "payterm/ui"},
		{"payterm/drivers/", "payterm/firmware"},
		{"payterm/ui", "payterm/drivers"},
		{"payterm/firmware/poslink", "payterm/drivers"},
		{"payterm/firmware/checkout", "payterm/drivers"},
		{"payterm/firmware/order", "payterm/"},
		{"payterm/payhost", "payterm/firmware/checkout"},
	}
	for path, imports := range deps {
		for _, r := range rules {
			if !strings.HasPrefix(path, r.from) {
				continue
			}
			for _, imp := range imports {
				if strings.HasPrefix(imp, r.banned) {
					t.Errorf("%s imports %s", path, imp)
				}
			}
		}
	}
}
