package orderread

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Folder watches a directory a virtual printer or a POS writes orders
// into (.pdf, .csv, .json). A file is read once it is complete: its size
// and modification time have not changed for Settle. Then Handle gets
// the read, and the file moves to done/ — or to failed/ with a
// <name>.reason.txt beside it when it could not be read or Handle refused
// it. A read with Problems is not a failure: it is handed on for the
// cashier to correct. Names starting with "." or "~", or ending in
// ".part"/".tmp", are files still being written and are left alone.
type Folder struct {
	Dir     string
	Options Options // ID and Source default per file (see ReadFile)
	// Handle takes each read. Required.
	Handle func(ctx context.Context, r Read) error
	Settle time.Duration // zero: 500 ms
	Log    *slog.Logger  // nil: discard
	Now    func() time.Time
}

// seen is what a waiting file looked like last.
type seen struct {
	size  int64
	mod   time.Time
	since time.Time // when it last changed
}

// Run watches until ctx ends. fsnotify wakes it when files arrive; it also
// rescans every Settle/2, so a missed or unsupported event only delays a
// file.
func (f *Folder) Run(ctx context.Context) error {
	settle := cmpOr(f.Settle, 500*time.Millisecond)
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := f.Now
	if now == nil {
		now = time.Now
	}
	for _, sub := range []string{"done", "failed"} {
		if err := os.MkdirAll(filepath.Join(f.Dir, sub), 0o755); err != nil {
			return fmt.Errorf("orderread: folder: %w", err)
		}
	}
	var events chan fsnotify.Event
	if w, err := fsnotify.NewWatcher(); err != nil {
		log.Warn("folder: no file events, polling", "err", err)
	} else {
		defer w.Close()
		if err := w.Add(f.Dir); err != nil {
			log.Warn("folder: no file events, polling", "dir", f.Dir, "err", err)
		} else {
			events = w.Events
		}
	}
	waiting := map[string]seen{}
	tick := time.NewTicker(settle / 2)
	defer tick.Stop()
	for {
		if err := f.scan(ctx, waiting, settle, now(), log); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case _, ok := <-events:
			if !ok {
				events = nil
			}
		}
	}
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// inProgress says a name is a file still being written or not an order.
func inProgress(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") ||
		strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".tmp") || Kind(name) == ""
}

// scan notes every candidate file's size and handles those settled.
func (f *Folder) scan(ctx context.Context, waiting map[string]seen, settle time.Duration, now time.Time, log *slog.Logger) error {
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return fmt.Errorf("orderread: folder: %w", err)
	}
	present := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || inProgress(name) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		present[name] = true
		s, ok := waiting[name]
		if !ok || s.size != info.Size() || !s.mod.Equal(info.ModTime()) {
			waiting[name] = seen{info.Size(), info.ModTime(), now}
			continue
		}
		if now.Sub(s.since) < settle {
			continue
		}
		delete(waiting, name)
		f.take(ctx, name, log)
	}
	for name := range waiting {
		if !present[name] {
			delete(waiting, name)
		}
	}
	return nil
}

// take reads one settled file, hands the read on and files it away.
func (f *Folder) take(ctx context.Context, name string, log *slog.Logger) {
	path := filepath.Join(f.Dir, name)
	r, err := ReadFile(path, f.Options)
	if err == nil {
		err = f.Handle(ctx, r)
	}
	if err != nil {
		log.Warn("folder: order file failed", "file", name, "err", err)
		reason := f.move(name, "failed", log) + ".reason.txt"
		if werr := os.WriteFile(reason, []byte(err.Error()+"\n"), 0o644); werr != nil {
			log.Warn("folder: cannot write the reason", "file", name, "err", werr)
		}
		return
	}
	log.Info("folder: order read", "file", name, "problems", len(r.Problems))
	f.move(name, "done", log)
}

// move files name into sub, never over an earlier file of that name, and
// returns where it went.
func (f *Folder) move(name, sub string, log *slog.Logger) string {
	dst := filepath.Join(f.Dir, sub, name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		ext := filepath.Ext(name)
		dst = filepath.Join(f.Dir, sub, fmt.Sprintf("%s.%d%s", strings.TrimSuffix(name, ext), i, ext))
	}
	if err := os.Rename(filepath.Join(f.Dir, name), dst); err != nil {
		log.Warn("folder: cannot move the file", "file", name, "to", sub, "err", err)
	}
	return dst
}
