package install

import (
	"os"
	"path/filepath"
	"testing"

	"payterm/update/bundle/deltatest"
)

// BenchmarkInstall streams a 32 MiB slot image's full bundle into a
// file-backed slot with real fsyncs (64 KiB writes, as from a link):
// MB/s of slot bytes, and the install's peak extra storage — the state
// files in StateDir (plus one state file's temp copy during its atomic
// replace) and the frame and output buffers; no copy of the artefact.
func BenchmarkInstall(b *testing.B) {
	img := deltatest.SlotImage(32<<20, 10, false)
	data := build(b, img, buildOpts{})
	cfg := benchConfig(b)
	stateDir := cfg.StateDir

	var peakState, peakStateFile int64
	var buffers int
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		for off := 0; off < len(data); off += 64 << 10 {
			if _, err := in.Write(data[off:min(off+64<<10, len(data))]); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				total, largest := dirBytes(b, stateDir)
				peakState, peakStateFile = max(peakState, total), max(peakStateFile, largest)
			}
		}
		if _, err := in.Finish(); err != nil {
			b.Fatal(err)
		}
		buffers = max(buffers, cap(in.out)+in.split.BufferCap())
		if err := in.Abort(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peakState+peakStateFile), "state-bytes")
	b.ReportMetric(float64(buffers), "buffer-bytes")
	b.ReportMetric(float64(peakState+peakStateFile+int64(buffers)), "extra-bytes")
	b.ReportMetric(float64(len(data))/float64(len(img))*100, "bundle-%")
}

// dirBytes is the bytes of dir's files, and its largest file.
func dirBytes(b *testing.B, dir string) (total, largest int64) {
	es, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range es {
		fi, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		total += fi.Size()
		largest = max(largest, fi.Size())
	}
	return total, largest
}

// benchConfig is config with a 64 MiB file-backed slot (real fsyncs) and
// a state directory, both in a temporary directory.
func benchConfig(b *testing.B) Config {
	dir := b.TempDir()
	path := filepath.Join(dir, "slot-b")
	if err := os.WriteFile(path, make([]byte, 64<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	slot, err := OpenSlot(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { slot.Close() })
	stateDir := filepath.Join(dir, "state")
	if err := os.Mkdir(stateDir, 0o755); err != nil {
		b.Fatal(err)
	}
	return config(b, slot, stateDir)
}
