//go:build !nofitz

package document_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"payterm/firmware/document"
	"payterm/internal/pdftest"
)

// hangEnv makes this test binary, started as a renderer, never answer.
const hangEnv = "PAYTERM_TEST_RENDERER_HANG"

func TestMain(m *testing.M) {
	if document.IsRenderer() && os.Getenv(hangEnv) == "1" {
		time.Sleep(time.Hour)
	}
	document.ExitIfRenderer()
	os.Exit(m.Run())
}

// renderer runs this test binary as the renderer. Under make test-arm64
// the binary is arm64 run by qemu-user, which cannot exec it again by
// itself: PAYTERM_TEST_EXEC names the same emulator for the renderer.
func renderer(t *testing.T) document.Renderer {
	t.Helper()
	r, err := document.SelfRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if wrap := strings.Fields(os.Getenv("PAYTERM_TEST_EXEC")); len(wrap) > 0 {
		emu, err := exec.LookPath(wrap[0])
		if err != nil {
			t.Fatal(err)
		}
		r.Path, r.Args = emu, append(wrap[1:], r.Path)
	}
	return r
}

// The renderer draws exactly what MuPDF draws in-process.
func TestRemoteRendersLikeInProcess(t *testing.T) {
	pdf := pdftest.Receipt(t, 2)
	local, err := document.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	remote, err := renderer(t).Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	if remote.Pages() != 2 {
		t.Fatalf("%d pages, want 2", remote.Pages())
	}
	for p := range 2 {
		want, err := local.Render(p, 480)
		if err != nil {
			t.Fatal(err)
		}
		got, err := remote.Render(p, 480)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rect != want.Rect || string(got.Pix) != string(want.Pix) {
			t.Errorf("page %d: renderer drew %v, in-process %v (or other pixels)", p, got.Rect, want.Rect)
		}
	}
	if _, err := remote.Render(2, 480); err == nil {
		t.Error("page 2 of 2 rendered")
	}
}

// A page whose parent is itself makes MuPDF abort the whole process
// (go-fitz loads pages outside MuPDF's error handler). In a renderer it
// is a refused document, and the next one opens as usual.
func TestRemoteSurvivesPDFThatAbortsMuPDF(t *testing.T) {
	r := renderer(t)
	if d, err := r.Open(pdftest.AbortsMuPDF()); !errors.Is(err, document.ErrBroken) {
		if d != nil {
			d.Close()
		}
		t.Fatalf("Open(cyclic page tree): %v, want ErrBroken", err)
	}
	d, err := r.Open(pdftest.OnePage("<< /Type /Page /MediaBox [0 0 100 100] >>"))
	if err != nil {
		t.Fatalf("a good PDF after the crash: %v", err)
	}
	defer d.Close()
	if _, err := d.Render(0, 100); err != nil {
		t.Fatal(err)
	}
}

func TestRemoteFailures(t *testing.T) {
	pdf := pdftest.Receipt(t, 1)
	hang := renderer(t)
	hang.Env = append(hang.Env, hangEnv+"=1")
	hang.Timeout = 300 * time.Millisecond
	tests := []struct {
		name string
		r    document.Renderer
		pdf  []byte
		want error
	}{
		{"empty", renderer(t), nil, document.ErrBroken},
		{"garbage", renderer(t), []byte("%PDF-1.7\n\x00\x01\x02 this is not a pdf at all"), document.ErrBroken},
		{"too large", renderer(t), make([]byte, document.MaxBytes+1), document.ErrTooLarge},
		{"renderer hangs", hang, pdf, document.ErrBroken},
		{"renderer missing", document.Renderer{Path: "/nonexistent/payterm"}, pdf, nil},
		{"not a renderer", document.Renderer{Path: "/bin/true"}, pdf, document.ErrBroken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.r.Open(tt.pdf)
			if err == nil {
				d.Close()
				t.Fatal("opened")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Open: %v, want %v", err, tt.want)
			}
		})
	}
}

// A renderer that dies while a document is open (killed, out of memory)
// fails that document's pages with ErrBroken, and only that document.
func TestRemoteRendererKilled(t *testing.T) {
	pdf := pdftest.Receipt(t, 2)
	r := renderer(t)
	d, err := r.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	other, err := r.Open(pdf)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := document.KillRendererForTest(d); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := d.Render(1, 300); !errors.Is(err, document.ErrBroken) {
			t.Fatalf("Render after the renderer died: %v, want ErrBroken", err)
		}
	}
	if _, err := other.Render(1, 300); err != nil {
		t.Fatalf("the other document: %v", err)
	}
}
