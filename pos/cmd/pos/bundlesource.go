package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"payterm/pos"
	"payterm/pos/bundlefetch"
	"payterm/update/manifest"
)

// bundleOptions are the flags that say where the terminal bundle comes
// from and which release keys the POS checks it against.
type bundleOptions struct {
	keys  []string // -bundle-key files; none: the terminal alone verifies
	cache string   // -bundle-cache; empty: bundles/ under payterm/ in the user config directory
}

func (bo *bundleOptions) register(fs interface {
	Func(name, usage string, fn func(string) error)
	StringVar(p *string, name, value, usage string)
}) {
	fs.Func("bundle-key", "release public key file (PEM, as paytermbundle keygen writes FILE.pub, or hex) the bundle must be signed by (repeat); none: only the terminal verifies", func(s string) error {
		bo.keys = append(bo.keys, s)
		return nil
	})
	fs.StringVar(&bo.cache, "bundle-cache", "", "directory for bundles downloaded from a -bundle URL; empty: bundles/ under payterm/ in the user config directory")
}

// keyring is the release keys of -bundle-key; nil when none is given.
func (bo bundleOptions) keyring() (*manifest.Keyring, error) {
	if len(bo.keys) == 0 {
		return nil, nil
	}
	return bundlefetch.ReadKeyring(bo.keys...)
}

func isBundleURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// openBundle opens the terminal bundle named by src: a file, or an
// https:// URL (http:// to a loopback host) downloaded into the cache,
// resuming an earlier cut download. With -bundle-key the bundle's
// signature is checked here too; the terminal always checks it.
func openBundle(ctx context.Context, src string, bo bundleOptions, log *slog.Logger, stdout io.Writer) (pos.Bundle, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	kr, err := bo.keyring()
	if err != nil {
		return pos.Bundle{}, err
	}
	path := src
	if isBundleURL(src) {
		dir := bo.cache
		if dir == "" {
			cfg, err := os.UserConfigDir()
			if err != nil {
				return pos.Bundle{}, fmt.Errorf("bundle: no -bundle-cache and no user config directory: %w", err)
			}
			dir = filepath.Join(cfg, "payterm", "bundles")
		}
		f := &bundlefetch.Fetcher{Dir: dir, Keys: kr, Log: log}
		res, err := f.Fetch(ctx, src)
		if err != nil {
			return pos.Bundle{}, err
		}
		switch {
		case res.Cached:
			fmt.Fprintf(stdout, "bundle: %s is current\n", res.Path)
		case res.From > 0:
			fmt.Fprintf(stdout, "bundle: downloaded to %s (resumed at byte %d)\n", res.Path, res.From)
		default:
			fmt.Fprintf(stdout, "bundle: downloaded to %s\n", res.Path)
		}
		path = res.Path
	} else if kr != nil {
		if err := bundlefetch.Check(path, kr, time.Now()); err != nil {
			return pos.Bundle{}, fmt.Errorf("bundle %s: %w", path, err)
		}
	}
	if kr == nil {
		log.Warn("bundle signature not checked by the POS (no -bundle-key): the terminal verifies it", "bundle", path)
	}
	return pos.OpenBundle(path)
}
