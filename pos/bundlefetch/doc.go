// Package bundlefetch brings a terminal bundle from a URL on any static
// HTTP(S) server or object store (a presigned S3/MinIO URL is a plain
// GET) into a local cache, resuming a cut download, and checks it before
// the POS offers it. It never trusts the server: the bundle protects
// itself (update/manifest: a signed manifest, per-artefact SHA-256), so
// the download is refused when its layout is broken or, given the
// release keys, when its signature does not verify. The terminal always
// verifies again.
package bundlefetch
