// Package update is the terminal's over-the-air update (issue 7). This
// directory holds its packages; the pure ones (bootenv, bootselect,
// manifest, delta, bundle) do no I/O of their own:
//
//   - bootenv reads and writes U-Boot's stored environment (CRC, and the
//     redundant two-copy layout in which a save goes to the older copy, so
//     a power cut leaves the other one whole). It is the atomic storage of
//     plan step 1: the firmware edits the boot variables from Linux in the
//     same bytes U-Boot reads, and mkenvimage's images read the same.
//   - bootselect is plan step 1's decision: RAUC-style BOOT_ORDER and
//     BOOT_A_LEFT/BOOT_B_LEFT counters. Decide is what the boot script
//     does on each power-on (decrement, fall back when a slot runs out);
//     Check, MarkGood and TryNext are the firmware's side (report a
//     rollback and the failed slot, commit a healthy boot, stage the slot
//     an update was written to).
//   - bootstate is the firmware's I/O for it: the boot state's two copies
//     in the disk's bootenv partition (bootenv.Pair, the layout the boot
//     script in rootfs/bootscr.go keeps), Check, MarkGood, Invalidate and
//     TryNext.
//   - manifest is plan step 2's bundle description: product, boards,
//     version and the floor a release sets, each artefact's size and
//     SHA-256, expiry, and for a delta its base, canonically encoded and
//     signed with Ed25519 by keys of a rotatable, revocable keyring.
//     Verify is plan step 3's first gate: every refusal happens before a
//     byte is written.
//   - delta is plan step 2's delta encoding of a slot image against the
//     installed one: zstd frames of 1 MiB, each with the base ranges its
//     content came from as dictionary, so each decodes alone and an
//     install resumes at a frame boundary (2.6 % of a full bundle for a
//     one-function firmware change).
//   - bundle is the bundle file: magic, the signed manifest, and each
//     artefact's payload as independent length-prefixed frames (zstd, or
//     a DeltaCodec's), built byte-identically from the same inputs and
//     split under hard limits by a streaming parser.
//   - install streams a bundle into the inactive slot: manifest verified
//     before a byte is written, frames hashed and synced, the position
//     saved after each so a cut transfer resumes at a frame boundary.
//   - cmd/paytermbundle builds, signs (key rotation), inspects and diffs
//     bundles and makes their keys; `make bundle` runs it on the image.
//
// The POS's side (pos.Updater, `pos update`) offers a bundle over the
// link in resumable chunks (firmware/otalink receives it); the firmware
// wires the installer to the boot slots (firmware/ota*.go).
package update
