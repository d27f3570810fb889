// Package install writes an update bundle into the inactive boot slot as
// it streams in (issue 7, plan step 3): the manifest is verified before a
// byte reaches the slot, each frame is checked against its manifest hash
// (before it is decoded: a tampered frame never reaches the slot), then
// decoded, written, hashed and synced, and the position with the hash state is saved after every
// frame, so the transfer resumes at the last frame boundary after a drop,
// a POS restart or a power cut. Nothing here marks the slot to boot: the
// firmware calls bootselect's TryNext after Finish succeeds.
//
// Extra storage during an install: the two state files in StateDir (the
// manifest file, a few hundred bytes of state) and, in memory, one frame
// and its output (bundle.MaxFrameSize + bundle.MaxFrameOutput) plus the
// decoder's; no copy of the artefact is kept anywhere.
package install

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// Refusals. A manifest refused by manifest.Verify keeps its own error
// (manifest.ErrBadSignature, ErrUnknownKey, ErrRevokedKey, ErrExpired,
// ErrWrongProduct, ErrWrongBoard, ErrBelowFloor, ErrWrongBase,
// ErrTooLarge); all of those, ErrUnknownEncoding, a frame hash list
// that does not fit its payload (ErrMalformed) and, when Config.Size
// says how long the offered bundle is, a bundle of another length than
// its manifest declares (ErrTruncated shorter, ErrMalformed longer) come
// before a byte is written to the slot.
var (
	// ErrMalformed: the bundle's bytes break its layout or a frame does
	// not decode.
	ErrMalformed = bundle.ErrMalformed
	// ErrTruncated: Finish before the last payload was complete, or an
	// offered size short of the manifest's.
	ErrTruncated = bundle.ErrTruncated
	// ErrUnknownEncoding: an artefact's encoding has no codec here.
	ErrUnknownEncoding = bundle.ErrUnknownEncoding
	// ErrTooLarge: the artefacts do not fit the target slot.
	ErrTooLarge = manifest.ErrTooLarge
	// ErrTampered: a frame's bytes do not have the SHA-256 the manifest
	// lists for it (a tampered or corrupted payload). Nothing of that
	// frame reached the slot; the frames before it did, each checked the
	// same way, and the saved progress stays at the frame's start, so a
	// retry resumes there.
	ErrTampered = bundle.ErrTampered
	// ErrHashMismatch: an artefact's bytes, whose frames each matched
	// their hashes, do not have its manifest SHA-256 (a manifest built
	// wrong). The saved progress is discarded: a retry starts from byte 0.
	ErrHashMismatch = errors.New("artefact hash mismatch")
	// ErrClosed: the installer was aborted or refused the bundle.
	ErrClosed = errors.New("installer closed")
)

// Installer streams one bundle into the target slot. Its methods are not
// safe for concurrent use.
type Installer struct {
	cfg     Config
	split   *bundle.Splitter
	m       *manifest.Manifest
	mfile   []byte
	offsets []int64 // where each artefact starts in the target

	durable bundle.Position // the position last saved
	art     int             // the artefact hash and dec belong to
	hash    hash.Hash
	dec     *bundle.Decoder
	out     []byte
	err     error // sticky
}

// New starts or resumes the install of cfg.Bundle. When StateDir holds
// progress of that bundle whose manifest still verifies, the installer
// stands at the saved frame boundary (Offset > 0); otherwise any saved
// state is discarded and it stands at byte 0.
func New(cfg Config) (*Installer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	in := &Installer{cfg: cfg, split: &bundle.Splitter{}, art: -1}
	st, mfile, ok, err := loadState(cfg.StateDir)
	if err != nil {
		return nil, err
	}
	if ok && st.Bundle == cfg.Bundle {
		err := in.resume(st, mfile)
		if err == nil {
			return in, nil
		}
		in.split, in.m, in.mfile, in.durable, in.art, in.hash = &bundle.Splitter{}, nil, nil, bundle.Position{}, -1, nil
	}
	if err := clearState(cfg.StateDir); err != nil {
		return nil, err
	}
	return in, nil
}

// resume restores the saved position: the manifest verified again (it
// may have expired since, or the keyring changed), the splitter and the
// artefact's hash state where the last synced frame left them.
func (in *Installer) resume(st state, mfile []byte) error {
	if err := in.accept(mfile); err != nil {
		return err
	}
	s, err := bundle.Resume(in.m, len(mfile), st.Pos)
	if err != nil {
		return err
	}
	in.split, in.durable = s, st.Pos
	if st.Pos.Payload > 0 {
		h := sha256.New()
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(st.Hash); err != nil {
			return fmt.Errorf("install: hash state: %w", err)
		}
		in.art, in.hash = st.Pos.Artefact, h
	}
	return nil
}

// accept verifies the manifest file and prepares for its artefacts:
// every refusal of a bundle that can be decided before writing is here.
func (in *Installer) accept(mfile []byte) error {
	m, err := manifest.Verify(mfile, in.cfg.Keyring, in.cfg.Now(), in.cfg.terminal())
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	var at int64
	offsets := make([]int64, len(m.Artefacts))
	for i, a := range m.Artefacts {
		offsets[i] = at
		at += a.Size
		if a.Encoding != bundle.EncodingZstd && !in.hasCodec(a.Encoding) {
			return fmt.Errorf("install: artefact %s: encoding %q: %w", a.Name, a.Encoding, ErrUnknownEncoding)
		}
	}
	if at > in.cfg.Target.Size() {
		return fmt.Errorf("install: artefacts of %d bytes, slot of %d: %w", at, in.cfg.Target.Size(), ErrTooLarge)
	}
	if want := bundle.Size(len(mfile), m); in.cfg.Size > 0 && in.cfg.Size != want {
		err := ErrTruncated
		if in.cfg.Size > want {
			err = ErrMalformed
		}
		return fmt.Errorf("install: bundle offered as %d bytes, its manifest makes it %d: %w", in.cfg.Size, want, err)
	}
	in.m, in.mfile, in.offsets = m, bytes.Clone(mfile), offsets
	return nil
}

func (in *Installer) hasCodec(name string) bool {
	for _, c := range in.cfg.Codecs {
		if c != nil && c.Name() == name {
			return true
		}
	}
	return false
}

// Offset is the bundle bytes durably accepted: the resume point, which
// survives a reboot through StateDir. A sender restarting a transfer (or
// a new Installer after a restart) sends from Offset; within one
// Installer each Write continues where the previous one ended, and bytes
// of a frame not yet complete are not counted.
func (in *Installer) Offset() int64 { return in.durable.Offset }

// Write takes the next bytes of the bundle. It verifies the manifest as
// soon as it is complete and refuses the bundle before writing anything
// to the slot if it does not verify; then it decodes each frame as it
// completes, writes it to the slot, hashes it, syncs the slot and saves
// the position. An error sticks: the Installer takes nothing more.
func (in *Installer) Write(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	done := 0
	for done < len(p) {
		n, ev, err := in.split.Feed(p[done:])
		done += n
		if err == nil {
			switch ev.Kind {
			case bundle.ManifestReady:
				err = in.startManifest(ev.Data)
			case bundle.FrameReady:
				err = in.frame(ev)
			}
		}
		if err != nil {
			in.fail(err)
			return done, err
		}
	}
	return done, nil
}

func (in *Installer) fail(err error) {
	in.err = err
	if in.dec != nil {
		in.dec.Close()
		in.dec = nil
	}
}

func (in *Installer) startManifest(mfile []byte) error {
	if err := in.accept(mfile); err != nil {
		return err
	}
	if err := in.split.Start(in.m); err != nil {
		return err
	}
	if err := writeAtomic(in.cfg.StateDir, manifestFile, in.mfile); err != nil {
		return err
	}
	return in.save()
}

// save records the splitter's position (just after a synced frame, or
// after the manifest) with the hash state of the artefact in progress.
func (in *Installer) save() error {
	pos := in.split.Position()
	st := state{Bundle: in.cfg.Bundle, ManifestSHA256: sum(in.mfile), Pos: pos}
	if pos.Payload > 0 {
		b, err := in.hash.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil {
			return fmt.Errorf("install: hash state: %w", err)
		}
		st.Hash = b
	}
	if err := saveState(in.cfg.StateDir, st); err != nil {
		return err
	}
	in.durable = pos
	return nil
}

// frame decodes one frame into the slot. Its order makes a cut anywhere
// safe: the slot is synced before the position moves past the frame, so
// after a restart the frame is at worst written again, with the same
// bytes at the same place and the hash state from before it.
func (in *Installer) frame(ev bundle.Event) error {
	a := in.m.Artefacts[ev.Artefact]
	if in.art != ev.Artefact || in.dec == nil {
		if err := in.openArtefact(ev.Artefact, ev.At); err != nil {
			return err
		}
	}
	if cap(in.out) < bundle.MaxFrameOutput {
		in.out = make([]byte, 0, bundle.MaxFrameOutput)
	}
	out, err := in.dec.Decode(in.out, ev.Data, ev.Output)
	if err != nil {
		return fmt.Errorf("install: artefact %s at %d: %w", a.Name, ev.At, err)
	}
	if _, err := in.cfg.Target.WriteAt(out, in.offsets[ev.Artefact]+ev.At); err != nil {
		return fmt.Errorf("install: slot: %w", err)
	}
	in.hash.Write(out)
	if in.split.Position().Artefact != ev.Artefact { // its last frame
		if got := hex.EncodeToString(in.hash.Sum(nil)); got != a.SHA256 {
			if err := clearState(in.cfg.StateDir); err != nil {
				return err
			}
			in.durable = bundle.Position{}
			return fmt.Errorf("install: artefact %s: sha256 %s, manifest %s: %w", a.Name, got, a.SHA256, ErrHashMismatch)
		}
		in.hash = sha256.New()
		in.art = ev.Artefact + 1
		in.dec.Close()
		in.dec = nil
	}
	if err := in.cfg.Target.Sync(); err != nil {
		return fmt.Errorf("install: slot: %w", err)
	}
	return in.save()
}

// openArtefact makes artefact i's decoder (a delta's reads its base in
// the running slot) and, at its start, a fresh hash.
func (in *Installer) openArtefact(i int, at int64) error {
	if in.dec != nil {
		in.dec.Close()
		in.dec = nil
	}
	a := in.m.Artefacts[i]
	var base io.ReaderAt
	var baseSize int64
	if in.m.Delta != nil && in.cfg.Base != nil {
		var off int64
		for _, ia := range in.cfg.Installed {
			if ia.Name == a.Name {
				base, baseSize = io.NewSectionReader(in.cfg.Base, off, ia.Size), ia.Size
				break
			}
			off += ia.Size
		}
	}
	dec, err := bundle.NewDecoder(a.Encoding, in.cfg.Codecs, base, baseSize)
	if err != nil {
		return fmt.Errorf("install: artefact %s: %w", a.Name, err)
	}
	in.dec = dec
	if at == 0 || in.art != i {
		in.hash = sha256.New()
	}
	in.art = i
	return nil
}

// Finish completes the install: ErrTruncated unless every payload
// arrived, the first error Write met if it met one; else the slot is
// synced and the verified manifest returned. Every artefact's size and
// SHA-256 were checked as its last frame was written. Finish may be
// called again (also by a new Installer after a restart) and returns the
// same; the state stays until Abort or another bundle.
func (in *Installer) Finish() (manifest.Manifest, error) {
	if in.err != nil {
		return manifest.Manifest{}, in.err
	}
	if in.m == nil || !in.split.Done() {
		return manifest.Manifest{}, fmt.Errorf("install: bundle ends at byte %d: %w", in.durable.Offset, ErrTruncated)
	}
	if err := in.cfg.Target.Sync(); err != nil {
		return manifest.Manifest{}, fmt.Errorf("install: slot: %w", err)
	}
	return *in.m, nil
}

// Abort gives the install up: the saved progress is removed, so the next
// offer starts from byte 0, and the Installer takes nothing more. The
// slot keeps whatever was written; it is not marked to boot.
func (in *Installer) Abort() error {
	in.fail(fmt.Errorf("install: aborted: %w", ErrClosed))
	in.durable = bundle.Position{}
	return clearState(in.cfg.StateDir)
}
