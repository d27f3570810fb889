package pos

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"payterm/firmware/poslink"
	"payterm/update/manifest"
)

// DefaultChunk is the update chunk size: 16 KiB is about 29 KiB of
// encrypted frame, 2.5 s at 115200 baud, so a sale's request waits at
// most that long behind a chunk on a serial link.
const DefaultChunk = 16 << 10

// ErrUpdateRolledBack: the terminal already tried this bundle's version
// and fell back from it; the POS does not offer it again by itself.
var ErrUpdateRolledBack = errors.New("pos: the terminal rolled back from this version")

// ErrUpdateRefused: the terminal refused the bundle (signature, board,
// hashes…); UpdateStatus.Error says why.
var ErrUpdateRefused = errors.New("pos: the terminal refused the bundle")

// Updater sends the terminal bundle of this POS release to the terminal
// over its link, resuming from the terminal's confirmed offset after a
// drop, a POS restart or a terminal restart.
type Updater struct {
	Terminal     *poslink.Client
	SaleID       string
	NewServiceID func() string
	// Chunk is the bytes sent per request, up to poslink.MaxUpdateChunk;
	// 0 means DefaultChunk.
	Chunk int
	// Progress hears the bytes the terminal has taken after each chunk;
	// nil: none.
	Progress func(UpdateProgress)
	Log      *slog.Logger // nil discards
	// Tries is how many requests in a row may fail (link down, terminal
	// restarting) before Sync gives up; 0 means 20. RetryWait is the
	// first wait between them, doubling up to 5 s; 0 means 250 ms.
	Tries     int
	RetryWait time.Duration
}

// UpdateProgress is a transfer as the POS shows it.
type UpdateProgress struct {
	Done  int64 // bundle bytes the terminal has taken
	Total int64 // bundle size
	Sent  int64 // chunk bytes sent by this Sync, resends included
	// Confirmed ≤ Done is what the terminal has made durable: what a
	// resume starts from at the least, even after a power cut.
	Confirmed int64
}

// SyncResult says what Sync did.
type SyncResult struct {
	// Sent is false when the terminal needed nothing (same or newer
	// version, or this bundle already verified and waiting to install).
	Sent   bool
	From   int64 // the offset the transfer resumed from
	Bytes  int64 // chunk bytes sent, resends included
	Status poslink.UpdateStatus
	Reason string // readable: why nothing was sent, or the outcome
}

// Sync brings the terminal to b's version: it asks the terminal's
// version and, when it is older than b's, offers b and sends it from the
// offset the terminal answers, then asks it to verify. The terminal
// installs it once its checkout is idle. A bundle whose version the
// terminal rolled back from is ErrUpdateRolledBack; one the terminal
// refuses, ErrUpdateRefused.
func (u *Updater) Sync(ctx context.Context, b Bundle) (SyncResult, error) {
	var res SyncResult
	st, err := retry(ctx, u, func() (poslink.UpdateStatus, error) {
		return u.Terminal.UpdateStatus(ctx, u.SaleID, u.NewServiceID())
	})
	if err != nil {
		return res, fmt.Errorf("pos: update: terminal status: %w", err)
	}
	res.Status = st
	if why, skip, err := needsNothing(st, b); skip || err != nil {
		res.Reason = why
		return res, err
	}
	f, err := os.Open(b.Path)
	if err != nil {
		return res, fmt.Errorf("pos: update: %w", err)
	}
	defer f.Close()
	offer := poslink.UpdateOffer{Bundle: b.ID, Size: b.Size, Version: b.Version}
	reoffer := func() (poslink.UpdateStatus, error) {
		return retry(ctx, u, func() (poslink.UpdateStatus, error) {
			return u.Terminal.UpdateOffer(ctx, u.SaleID, u.NewServiceID(), offer)
		})
	}
	if st, err = reoffer(); err != nil {
		return res, fmt.Errorf("pos: update: offer: %w", err)
	}
	res.Sent, res.From = true, st.Offset
	u.log().Info("update offered", "version", b.Version, "size", b.Size, "from", st.Offset)
	buf := make([]byte, u.chunk())
	failures := 0
	for st.State == poslink.UpdateReceiving && st.Offset < b.Size {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), b.Size-st.Offset)], st.Offset)
		if err != nil {
			return res, fmt.Errorf("pos: update: read %s: %w", b.Path, err)
		}
		next, err := u.Terminal.UpdateChunk(ctx, u.SaleID, u.NewServiceID(), b.ID, st.Offset, buf[:n])
		res.Bytes += int64(n)
		var refused *poslink.ResponseError
		switch {
		case err == nil:
			st, failures = next, 0
		case ctx.Err() != nil:
			return res, fmt.Errorf("pos: update: %w", ctx.Err())
		case errors.As(err, &refused) && next.State == poslink.UpdateFailed:
			res.Status = next
			return res, fmt.Errorf("%w: %s", ErrUpdateRefused, next.Error)
		default:
			// A drop, a gap (the terminal restarted and kept less) or a
			// terminal that forgot the offer: offer again, which says
			// where to go on from.
			failures++
			if failures >= u.tries() {
				return res, fmt.Errorf("pos: update: chunk at %d: %w", st.Offset, err)
			}
			u.log().Warn("update chunk not taken: offering again", "offset", st.Offset, "err", err)
			u.wait(ctx, failures)
			if st, err = reoffer(); err != nil {
				return res, fmt.Errorf("pos: update: offer: %w", err)
			}
		}
		if u.Progress != nil {
			u.Progress(UpdateProgress{Done: st.Offset, Total: b.Size, Sent: res.Bytes, Confirmed: st.Confirmed})
		}
	}
	st, err = retry(ctx, u, func() (poslink.UpdateStatus, error) {
		return u.Terminal.UpdateFinish(ctx, u.SaleID, u.NewServiceID(), b.ID)
	})
	res.Status = st
	if err != nil {
		if st.State == poslink.UpdateFailed {
			return res, fmt.Errorf("%w: %s", ErrUpdateRefused, st.Error)
		}
		return res, fmt.Errorf("pos: update: finish: %w", err)
	}
	res.Reason = fmt.Sprintf("terminal verified %s: it installs it when no sale is in progress", b.Version)
	return res, nil
}

// needsNothing says whether the terminal at st needs b.
func needsNothing(st poslink.UpdateStatus, b Bundle) (why string, skip bool, err error) {
	if st.Bundle == b.ID && (st.State == poslink.UpdateVerified || st.State == poslink.UpdateInstalling) {
		return fmt.Sprintf("terminal has %s and installs it when no sale is in progress", b.Version), true, nil
	}
	c, err := manifest.CompareVersions(st.Version, b.Version)
	if err != nil {
		return "", false, fmt.Errorf("pos: update: %w", err)
	}
	if c >= 0 {
		return fmt.Sprintf("terminal runs %s, the bundle is %s: nothing to do", st.Version, b.Version), true, nil
	}
	if st.RolledBack && st.FailedVersion == b.Version {
		return "", false, fmt.Errorf("%w: %s (running %s on slot %s)", ErrUpdateRolledBack, b.Version, st.Version, st.Slot)
	}
	return "", false, nil
}

// retry calls f until it succeeds, is refused by the terminal (a
// *poslink.ResponseError: retrying would not change the answer), or has
// failed Tries times.
func retry(ctx context.Context, u *Updater, f func() (poslink.UpdateStatus, error)) (poslink.UpdateStatus, error) {
	for i := 1; ; i++ {
		st, err := f()
		var refused *poslink.ResponseError
		if err == nil || errors.As(err, &refused) || ctx.Err() != nil || i >= u.tries() {
			return st, err
		}
		u.log().Warn("update request failed: retrying", "try", i, "err", err)
		u.wait(ctx, i)
	}
}

func (u *Updater) wait(ctx context.Context, failures int) {
	d := u.RetryWait
	if d <= 0 {
		d = 250 * time.Millisecond
	}
	for range min(failures-1, 10) {
		d = min(2*d, 5*time.Second)
	}
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (u *Updater) chunk() int {
	if u.Chunk <= 0 || u.Chunk > poslink.MaxUpdateChunk {
		return DefaultChunk
	}
	return u.Chunk
}

func (u *Updater) tries() int {
	if u.Tries <= 0 {
		return 20
	}
	return u.Tries
}

func (u *Updater) log() *slog.Logger {
	if u.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return u.Log
}
