// Package delta is the delta encoding of update bundles (issue 7, plan
// step 2): a new boot-slot image ("slot.vfat", the whole FAT of a slot)
// sent as what changed against the image the terminal runs.
//
// Zstd implements the bundle's DeltaCodec: Encode cuts the target into
// frames of 1 MiB of output; each frame is a zstd frame whose raw
// dictionary is the part of the base its content came from, found by
// content-defined chunking (FastCDC, 4 KiB chunks) and widened by 64 KiB
// of slack so moved and edited code still finds its old bytes. A frame
// names its base ranges in a small header (frame.go), so it decodes alone
// given the base: an install resumes at any frame boundary. DecodeFrame
// reads only those ranges of the base (≤ MaxDict, in practice about
// 1.2 MiB) and never needs the whole target in memory.
//
// # Measured (make bench; 2 shared cores)
//
// Slot images of 128 MiB built as `make image` builds slot A (Debian
// arm64 kernel Image, initramfs with the cgo static firmware, modules,
// font), full = zstd best level in the same 1 MiB frames (25.8 MiB):
//
//	change                                        zstd-delta   chunking alone
//	firmware, askDigits grows (code after moves)  0.66 MiB  2.6 %   19.3 %
//	firmware, one condition, same size           15 KiB    0.06 %   1.7 %
//	kernel 6.1.0-56 → -57, modules too            1.17 MiB  4.5 %    8.6 %
//	the first, initramfs gzip-compressed          8.2 MiB  29.6 %   31.3 %
//
// Chunking alone (copy a chunk found in the base, send the rest as zstd
// literals) loses on code: a function that grows changes every relative
// address after it, so few 4 KiB chunks survive whole, while zstd against
// the same base bytes encodes them as long matches with short literal
// runs. A gzip initramfs changes from the first edited byte to its end,
// so rootfs writes it uncompressed (30.2 MiB instead of 17.1 MiB in the
// slot; the bundle compresses it anyway).
//
// Cost: over 115200 baud the one-function delta takes about 60 s, the
// kernel one 107 s (a full bundle: 40 min). Encoding a 128 MiB slot takes
// 15–20 s on the build host, holding base and target in memory; decoding
// all of it 0.4–1 s on the host, with at most 1.6 MiB allocated per
// frame (the base ranges, ≈1.2 MiB, plus zstd's state) besides the
// caller's 1 MiB output buffer.
package delta
