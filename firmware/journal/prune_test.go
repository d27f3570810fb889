package journal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func seqs(es []Entry) []uint64 {
	var out []uint64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestSinceAndScan(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	for _, tc := range []struct {
		seq  uint64
		max  int
		want []uint64
	}{
		{0, 10, []uint64{1, 2, 3, 4, 5}},
		{0, 2, []uint64{1, 2}},
		{3, 10, []uint64{4, 5}},
		{5, 10, nil},
		{1 << 63, 10, nil},
		{^uint64(0), 10, nil},
		{0, 0, nil},
	} {
		got, err := j.Since(tc.seq, tc.max)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(seqs(got), tc.want) {
			t.Errorf("Since(%d, %d) = %v, want %v", tc.seq, tc.max, seqs(got), tc.want)
		}
	}
	var seen []uint64
	if err := j.Scan(2, func(e Entry) error { seen = append(seen, e.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []uint64{2, 3, 4, 5}) {
		t.Fatalf("Scan(2) saw %v", seen)
	}
	seen = nil
	if err := j.Scan(0, func(e Entry) error {
		seen = append(seen, e.Seq)
		if e.Seq == 3 {
			return ErrStop
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []uint64{1, 2, 3}) {
		t.Fatalf("Scan stopped at 3 saw %v", seen)
	}
	boom := errors.New("boom")
	if err := j.Scan(0, func(Entry) error { return boom }); err != boom {
		t.Fatalf("Scan = %v, want fn's error", err)
	}
}

// More entries than one Scan batch, and fn may append while scanning.
func TestScanAcrossBatches(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	j.db.NoSync = true
	for range scanBatch + 10 {
		if _, err := j.Append(Record{Kind: "received"}); err != nil {
			t.Fatal(err)
		}
	}
	var n, want uint64 = 0, 1
	err := j.Scan(0, func(e Entry) error {
		if e.Seq != want {
			return fmt.Errorf("got entry %d, want %d", e.Seq, want)
		}
		want++
		n++
		if e.Seq == 1 {
			_, err := j.Append(Record{Kind: "appended while scanning"})
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5+scanBatch+10+1 {
		t.Fatalf("scanned %d entries", n)
	}
}

func TestExportPruneVerify(t *testing.T) {
	j, path := filled(t)
	pub := publicOf(testKey(1))
	if _, err := j.Prune(2, 0); !errors.Is(err, ErrNotExported) {
		t.Fatalf("Prune before any export = %v, want ErrNotExported", err)
	}
	b, err := j.Export(0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seqs(b.Entries), []uint64{1, 2, 3}) || b.Head.Seq != 5 || b.Checkpoint != nil {
		t.Fatalf("Export(0, 3): entries %v head %d checkpoint %v", seqs(b.Entries), b.Head.Seq, b.Checkpoint)
	}
	var file bytes.Buffer
	file.Write(b.Encode())
	if _, err := j.Prune(4, 0); !errors.Is(err, ErrNotExported) {
		t.Fatalf("Prune past the export = %v, want ErrNotExported", err)
	}
	// The floor: entry 3 is an unresolved attempt and stays.
	cp, err := j.Prune(3, 3)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Seq != 2 || cp.Hash != b.Entries[1].Hash || cp.Verify(pub) != nil {
		t.Fatalf("checkpoint %+v", cp)
	}
	if err := j.Verify(pub); err != nil {
		t.Fatalf("after pruning to 2: %v", err)
	}
	left, _ := j.Since(0, 10)
	if !reflect.DeepEqual(seqs(left), []uint64{3, 4, 5}) {
		t.Fatalf("left %v", seqs(left))
	}
	if again, err := j.Prune(1, 0); err != nil || again.Seq != 2 {
		t.Fatalf("Prune below the checkpoint = %+v, %v; want the checkpoint unchanged", again, err)
	}

	// Everything exported and pruned: the next entry chains to the
	// checkpoint.
	b, err = j.Export(3, 10)
	if err != nil {
		t.Fatal(err)
	}
	file.Write(b.Encode())
	if cp, err = j.Prune(5, 0); err != nil || cp.Seq != 5 {
		t.Fatalf("Prune(5) = %+v, %v", cp, err)
	}
	e, err := j.Append(Record{Kind: "received"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 6 || e.Prev != cp.Hash {
		t.Fatalf("entry after a full prune: Seq %d, Prev %v; want 6, %v", e.Seq, e.Prev, cp.Hash)
	}
	if err := j.Verify(pub); err != nil {
		t.Fatal(err)
	}
	b, _ = j.Export(5, 10)
	file.Write(b.Encode())
	tip, err := VerifyExported(bytes.NewReader(file.Bytes()), pub)
	if err != nil || tip.Seq != 6 || tip.Hash != e.Hash {
		t.Fatalf("VerifyExported = %+v, %v", tip, err)
	}
	// A POS asking from before the checkpoint learns where the journal
	// now starts.
	if b, _ = j.Export(0, 10); b.Checkpoint == nil || b.Checkpoint.Seq != 5 || seqs(b.Entries)[0] != 6 {
		t.Fatalf("Export(0) after pruning: %+v", b)
	}
	j.Close()

	// Tampering behind the checkpoint is caught.
	for _, tc := range []struct {
		name string
		edit func(tx *bolt.Tx) error
		want uint64
	}{
		{"checkpoint removed", func(tx *bolt.Tx) error { return tx.Bucket(metaBucket).Delete(checkpointKey) }, 1},
		{"checkpoint forged", func(tx *bolt.Tx) error {
			c := cp
			c.Seq = 4
			return tx.Bucket(metaBucket).Put(checkpointKey, c.encode())
		}, 4},
		{"old entry put back", func(tx *bolt.Tx) error {
			return tx.Bucket(entriesBucket).Put(keyOfSeq(5), encodeEntry(&b.Entries[0]))
		}, 6},
		{"first remaining entry removed", func(tx *bolt.Tx) error { return tx.Bucket(entriesBucket).Delete(keyOfSeq(6)) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := copyFile(t, path)
			db, err := bolt.Open(p, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Update(tc.edit); err != nil {
				t.Fatal(err)
			}
			db.Close()
			err = reopen(t, p).Verify(pub)
			if tc.want == 0 {
				// Cutting entries off the end is not visible in the file
				// alone (see the package doc); the POS's export tip is.
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBrokenAt(t, err, tc.want)
		})
	}
}

func TestExportBatchVerifyRefuses(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	pub := publicOf(testKey(1))
	b, _ := j.Export(0, 5)
	good := b.Encode()
	for _, tc := range []struct {
		name string
		edit func(b *ExportBatch)
		tip  Tip
	}{
		{"entry dropped", func(b *ExportBatch) { b.Entries = append(b.Entries[:2:2], b.Entries[3:]...) }, Tip{}},
		{"entry altered", func(b *ExportBatch) { b.Entries[2].Detail = "declined" }, Tip{}},
		{"not after the tip", func(*ExportBatch) {}, Tip{Seq: 1}},
		{"head disagrees", func(b *ExportBatch) { b.Head.Hash[0] ^= 1 }, Tip{}},
		{"past its head", func(b *ExportBatch) { b.Head.Seq = 3 }, Tip{}},
		{"wrong key", func(b *ExportBatch) {}, Tip{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeExport(good)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(&c)
			key := pub
			if tc.name == "wrong key" {
				key = publicOf(testKey(2))
			}
			if _, err := c.Verify(key, tc.tip); err == nil {
				t.Fatal("Verify passed")
			}
		})
	}
	if tip, err := b.Verify(pub, Tip{}); err != nil || tip != b.Head {
		t.Fatalf("good batch: %+v, %v", tip, err)
	}
	if _, err := VerifyExported(bytes.NewReader(good[:len(good)-1]), pub); err == nil {
		t.Fatal("a cut export file verified")
	}
	if _, err := VerifyExported(bytes.NewReader(append(append([]byte(nil), good...), good...)), pub); err == nil {
		t.Fatal("a batch repeated in the export file verified")
	}
}

func FuzzDecodeExport(f *testing.F) {
	dir := f.TempDir()
	j, err := Open(dir+"/j.db", testKey(1), stepClock())
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range records() {
		j.Append(r)
	}
	b, _ := j.Export(0, 3)
	j.Prune(2, 0)
	c, _ := j.Export(0, 3)
	j.Close()
	f.Add(b.Encode())
	f.Add(c.Encode())
	f.Add((&ExportBatch{}).Encode())
	f.Add([]byte(exportMagic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := DecodeExport(raw)
		if err != nil {
			return
		}
		if again := b.Encode(); !bytes.Equal(again, raw) {
			t.Fatalf("re-encoding differs:\n%x\n%x", again, raw)
		}
		// The export-file reader splits the same bytes into one batch.
		got, err := readBatch(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("readBatch = %x, %v", got, err)
		}
	})
}

func copyFile(t *testing.T, path string) string {
	t.Helper()
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	p := filepath.Join(t.TempDir(), "copy.db")
	dst, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	return p
}
