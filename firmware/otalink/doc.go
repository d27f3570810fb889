// Package otalink is the terminal's end of a firmware update offered by
// the POS over the link (poslink's update services): it remembers which
// bundle is being received, feeds its chunks to an update sink (the
// installer, which verifies and persists them), reports progress, and
// installs a verified bundle only while the checkout is idle.
//
// Resume: the sink's Offset is what survives a restart; the Receiver
// keeps the offered bundle's id beside it (StateDir/offer.json), so the
// same bundle offered again after a drop, a POS restart or a terminal
// restart resumes where the sink stands, and another bundle starts over
// after the old one's state is discarded.
package otalink
