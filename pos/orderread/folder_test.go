package orderread

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/pos"
)

// A receipt written slowly, in pieces, is read once, complete; a broken
// file goes to failed/ with its reason; a file still named .part is left
// alone.
func TestFolder(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var reads []Read
	f := &Folder{Dir: dir, Options: Options{Currency: "CNY"}, Settle: 300 * time.Millisecond,
		Handle: func(_ context.Context, r Read) error {
			mu.Lock()
			defer mu.Unlock()
			reads = append(reads, r)
			return nil
		}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})

	o, _ := pos.SampleOrder("DEMO-0001")
	pdf := receipt(t, o, "table")
	out, err := os.Create(filepath.Join(dir, "receipt-1.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(pdf); i += len(pdf) / 8 {
		out.Write(pdf[i:min(i+len(pdf)/8, len(pdf))])
		out.Sync()
		time.Sleep(40 * time.Millisecond) // a slow printer: well under Settle
	}
	out.Close()
	os.WriteFile(filepath.Join(dir, "broken.pdf"), []byte("%PDF-1.4 not really"), 0o644)
	os.WriteFile(filepath.Join(dir, "next.json.part"), []byte("{"), 0o644)

	waitFile(t, filepath.Join(dir, "done", "receipt-1.pdf"))
	waitFile(t, filepath.Join(dir, "failed", "broken.pdf.reason.txt"))
	mu.Lock()
	defer mu.Unlock()
	if len(reads) != 1 || !reflect.DeepEqual(reads[0].Order, stripCodes(o)) || reads[0].Source != "pdf:receipt-1.pdf" {
		t.Fatalf("reads %+v", reads)
	}
	if _, err := os.Stat(filepath.Join(dir, "next.json.part")); err != nil {
		t.Fatalf("the .part file was touched: %v", err)
	}
	reason, _ := os.ReadFile(filepath.Join(dir, "failed", "broken.pdf.reason.txt"))
	if !strings.Contains(string(reason), "pdf") {
		t.Fatalf("reason %q", reason)
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s never appeared", path)
}
