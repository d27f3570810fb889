// Package bundle is the update bundle file (issue 7, plan step 2): one
// signed manifest and, for each of its artefacts, the payload that
// decodes to it, laid out so a terminal can verify first and then stream
// the artefacts into its inactive slot, resuming at any frame boundary.
//
// Layout (integers big-endian):
//
//	magic           16 bytes  "PAYTERM-BUNDLE\x00\x01"
//	manifest length uint32    1 … manifest.MaxSize
//	manifest        the signed manifest file (manifest.Sign's wire JSON)
//	payloads        each artefact's, in manifest order, of exactly its
//	                payload_size bytes
//
// A payload is a sequence of frames, each decoding alone to at most
// MaxFrameOutput bytes of the artefact:
//
//	frame length    uint32    1 … MaxFrameSize
//	output length   uint32    1 … MaxFrameOutput
//	frame           frame length bytes
//
// The manifest lists each frame's SHA-256 (over its header and bytes,
// manifest Artefact.Frames), so a frame is checked before anything
// decodes it: a Splitter refuses a tampered one with ErrTampered.
//
// A full artefact's frames (encoding "zstd") are zstd frames of 1 MiB of
// the artefact each (the last one shorter), made with fixed settings so
// a bundle built twice from the same files is byte-identical. A delta
// artefact's frames are a DeltaCodec's, decoded against the installed
// base artefact; this package owns the framing and the codec what is
// inside a frame.
//
// Build writes a bundle; Splitter cuts one fed in pieces into its
// manifest and frames under hard limits (the installer's streaming
// parser); Reader does the same from an io.Reader for tools. Neither
// trusts the manifest: verifying it (manifest.Verify) is the caller's
// job, and a Splitter hands out no frame until the caller has started it
// with the manifest it verified.
package bundle
