package install

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"payterm/update/bundle"
	"payterm/update/bundle/deltatest"
	"payterm/update/delta"
	"payterm/update/manifest"
)

// BenchmarkInstallDelta installs a real zstd-delta bundle (update/delta)
// of a 32 MiB slot image against its base, as the terminal does after a
// small firmware change: 64 KiB rewritten and 4 KiB inserted mid-image,
// so everything after moves. MB/s of slot bytes written (decoding reads
// the base slot), and the bundle as a share of the slot.
func BenchmarkInstallDelta(b *testing.B) {
	base := deltatest.SlotImage(32<<20, 10, false)
	target := bytes.Clone(base[:16<<20])
	target = append(target, deltatest.SlotImage(4<<10, 11, true)...)
	target = append(target, base[16<<20:]...)
	copy(target[8<<20:], deltatest.SlotImage(64<<10, 12, true))
	target = target[:len(base)]

	z, err := delta.NewZstd(delta.Options{})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	bp, tp := filepath.Join(dir, "base"), filepath.Join(dir, "slot.vfat")
	os.WriteFile(bp, base, 0o644)
	os.WriteFile(tp, target, 0o644)
	var bundleBuf bytes.Buffer
	_, err = bundle.Build(&bundleBuf, bundle.Options{
		Manifest:  manifest.Manifest{Product: "payterm", Boards: []string{"qemu-virt"}, Version: "1.4.0", Kernel: "6.1.0-57-arm64", Expires: now.AddDate(0, 0, 1)},
		Artefacts: []bundle.Source{{Name: "slot.vfat", Path: tp}},
		Keys:      []ed25519.PrivateKey{devKey},
		Delta:     &bundle.Delta{Codec: z, BaseVersion: "1.3.0", Base: []bundle.Source{{Name: "slot.vfat", Path: bp}}},
	})
	if err != nil {
		b.Fatal(err)
	}
	data := bundleBuf.Bytes()

	cfg := benchConfig(b)
	cfg.Codecs = []bundle.DeltaCodec{z}
	cfg.Base = bytes.NewReader(base)
	cfg.Installed = []manifest.Artefact{{Name: "slot.vfat", Size: int64(len(base)), SHA256: hexSum(base)}}

	b.SetBytes(int64(len(target)))
	for b.Loop() {
		in, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := writeIn(in, data, 64<<10); err != nil {
			b.Fatal(err)
		}
		if _, err := in.Finish(); err != nil {
			b.Fatal(err)
		}
		if err := in.Abort(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	got := make([]byte, len(target))
	cfg.Target.ReadAt(got, 0)
	if !bytes.Equal(got, target) {
		b.Fatal("the slot does not hold the target")
	}
	b.ReportMetric(float64(len(data)), "bundle-bytes")
	b.ReportMetric(float64(len(data))/float64(len(target))*100, "bundle-%")
}
