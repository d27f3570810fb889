// Package journal keeps the terminal's signed, hash-chained record of what
// happened to each order (seed Fig. 6) in a bbolt database file.
//
// Each entry's Hash is SHA-256 over the previous entry's Hash followed by
// the entry's canonical encoding, and its Sig is an Ed25519 signature
// (RFC 8032) over that Hash. Changing, removing or reordering any stored
// entry breaks the chain at that entry, which Verify reports by Seq.
// Cutting entries off the end cannot be seen from the file alone: anchor
// the chain by keeping the last Hash elsewhere (the POS, the payment
// system).
//
// Nothing secret goes in: callers pass order hashes, methods and short
// details, never a payment code, and Append refuses text holding a run of
// 12 or more digits as a last line of defence.
package journal
