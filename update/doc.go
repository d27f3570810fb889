// Package update is the terminal's over-the-air update (issue 7). This
// directory holds its foundation, pure packages with no I/O of their own:
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
//
// Still to come (later steps): the bundle format
// and its streaming install into the inactive slot, delta encoding, the
// POS-side offer over HTTPS and serial, and the bundle CLI.
package update
