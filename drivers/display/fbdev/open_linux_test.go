package fbdev

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRejects(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("opened a missing device")
	}
	// /dev/null answers the framebuffer ioctls with ENOTTY.
	if _, err := Open("/dev/null"); err == nil || !strings.Contains(err.Error(), "FBIOGET_VSCREENINFO") {
		t.Errorf("Open(/dev/null) = %v, want an FBIOGET_VSCREENINFO error", err)
	}
}
