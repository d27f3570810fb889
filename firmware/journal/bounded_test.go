package journal

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"payterm/firmware/order"
)

// saleRecords are the five records of one direct sale, with details the
// size the terminal writes.
func saleRecords(n int) []Record {
	o := order.Hash{byte(n), byte(n >> 8), byte(n >> 16)}
	ref := fmt.Sprintf("PT1-0001-o%016x-1", uint64(n)*0x9e3779b97f4a7c15)
	req := fmt.Sprintf("POS-1/%010x", n)
	amount := int64(100 + n%50000)
	return []Record{
		{Kind: "received", OrderHash: o, Request: req, Amount: amount, Currency: "CNY",
			Detail: fmt.Sprintf("order DEMO-%05d, 7 lines, total CNY %d.%02d", n, amount/100, amount%100)},
		{Kind: "confirmed", OrderHash: o, Request: req, Amount: amount, Currency: "CNY", Detail: "customer confirmed 7 lines"},
		{Kind: "captured", OrderHash: o, Method: "code", Request: req, Detail: "payment code captured; credential digest 3fa9c0d2e1b4a5f6"},
		{Kind: "attempt", OrderHash: o, Method: "code", Ref: ref, Request: req, Amount: amount, Currency: "CNY", Detail: "charge attempt 1 sent to the payment host"},
		{Kind: "outcome", OrderHash: o, Method: "code", Ref: ref, Request: req, Amount: amount, Currency: "CNY",
			Detail: fmt.Sprintf("SUCCESS trade_no SBX%016d", n)},
	}
}

// 10 000 sales (50 000 entries) with the POS exporting and the terminal
// pruning every 500 sales: the file stays bounded, and the export file
// followed by what is left verifies as one chain from entry 1.
//
// The bound: a stored entry of these sales is ~300 bytes, so the 2 500
// entries between two prunes are ~0.7 MiB. bbolt splits leaves half full
// at worst (≤ 1.5 MiB), writes each commit's changed pages to free pages
// before releasing the old ones, keeps a freelist, and grows its file in
// powers of two (below 1 GiB): the file settles at 2 MiB, and 4 MiB
// allows one more doubling — a small part of the 64 MiB data partition.
// Without pruning the same sales take ~14 MiB of entries alone; the test
// checks that the export holds over three times the bound.
//
// Commits skip fsync (bbolt's NoSync) for speed: durability is not under
// test here; BenchmarkAppendAttempt measures appends with fsync.
func TestBoundedJournal10000Sales(t *testing.T) {
	const (
		sales       = 10000
		pruneEvery  = 500
		bound       = 4 << 20
		exportBatch = MaxExportEntries
	)
	if testing.Short() {
		t.Skip("10 000 sales")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.db")
	j, err := Open(path, testKey(1), stepClock())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	j.db.NoSync = true
	pub := publicOf(testKey(1))

	var exported bytes.Buffer // the POS's export file
	var tip Tip               // the POS's view of it
	var last Entry
	var maxSize int64
	export := func() {
		for {
			b, err := j.Export(tip.Seq, exportBatch)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.Entries) == 0 {
				return
			}
			if tip, err = b.Verify(pub, tip); err != nil {
				t.Fatal(err)
			}
			exported.Write(b.Encode())
		}
	}
	for n := 1; n <= sales; n++ {
		for _, r := range saleRecords(n) {
			if last, err = j.Append(r); err != nil {
				t.Fatalf("sale %d: %v", n, err)
			}
		}
		if n%pruneEvery == 0 && n < sales {
			export()
			if _, err := j.Prune(tip.Seq, 0); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			maxSize = max(maxSize, fi.Size())
			if fi.Size() > bound {
				t.Fatalf("after %d sales the journal file is %d bytes, over %d", n, fi.Size(), bound)
			}
		}
	}
	if err := j.Verify(pub); err != nil {
		t.Fatalf("the pruned journal: %v", err)
	}
	// The last 500 sales stay on the terminal; export them without pruning.
	export()
	got, err := VerifyExported(bytes.NewReader(exported.Bytes()), pub)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Tip{last.Seq, last.Hash}) || last.Seq != 5*sales {
		t.Fatalf("export file ends at %d, journal at %d", got.Seq, last.Seq)
	}
	if exported.Len() < 3*bound {
		t.Fatalf("only %d bytes exported: the bound proves nothing", exported.Len())
	}
	t.Logf("file at most %d bytes (bound %d); %d bytes exported", maxSize, bound, exported.Len())
}
