//go:build linux && (amd64 || arm64 || riscv64 || loong64)

package powerkey

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestWatchRejects(t *testing.T) {
	ctx := context.Background()
	if _, err := Watch(ctx, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("watched a missing device")
	}
	// /dev/null answers every EVIOC* ioctl with ENOTTY.
	if _, err := Watch(ctx, "/dev/null"); err == nil || !strings.Contains(err.Error(), "EVIOCGBIT") {
		t.Errorf("Watch(/dev/null) = %v, want an EVIOCGBIT error", err)
	}
}
