// Package journal keeps the terminal's signed, hash-chained record of what
// happened to each order (seed Fig. 6) in a bbolt database file.
//
// Each entry's Hash is SHA-256 over the previous entry's Hash followed by
// the entry's canonical encoding, and its Sig is an Ed25519 signature
// (RFC 8032) over that Hash. Changing, removing or reordering any stored
// entry breaks the chain at that entry, which Verify reports by Seq.
// Cutting entries off the end cannot be seen from the file alone: anchor
// the chain by keeping the last Hash elsewhere (the POS's export file,
// the payment system).
//
// The journal stays bounded: the POS fetches entries with Export, keeps
// them in an export file (encoded batches, checked by VerifyExported),
// and acknowledges them; Prune then removes them behind a signed
// Checkpoint, from which Verify checks the rest. A floor keeps the
// entries the terminal still needs (its unresolved charge attempts).
//
// Nothing secret goes in: callers pass order hashes, methods, payment
// references and short details, never a payment code, and Append refuses
// a run of 12 or more digits standing as a token of its own as a last
// line of defence (a run glued to a letter, as in the payment host's
// "SBX0000000000000001", is a reference and passes).
package journal
