package journal_test

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"payterm/firmware/journal"
	"payterm/firmware/order"
)

func Example() {
	dir, _ := os.MkdirTemp("", "journal")
	defer os.RemoveAll(dir)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)) // the terminal's key
	clock := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

	j, err := journal.Open(filepath.Join(dir, "journal.db"), key, clock)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer j.Close()
	confirmed := order.Hash{0xab}
	j.Append(journal.Record{Kind: "confirmed", OrderHash: confirmed})
	j.Append(journal.Record{Kind: "captured", OrderHash: confirmed, Method: "code"})

	last, _ := j.Last(2)
	for _, e := range last {
		fmt.Printf("%d %s %s method=%q\n", e.Seq, e.Time.Format(time.RFC3339), e.Kind, e.Method)
	}
	fmt.Println("verify:", j.Verify(key.Public().(ed25519.PublicKey)))
	// Output:
	// 1 2026-03-01T12:00:00Z confirmed method=""
	// 2 2026-03-01T12:00:00Z captured method="code"
	// verify: <nil>
}
