package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"payterm/internal/atomicfile"
	"strings"

	"payterm/update/manifest"
)

// Key files are PEM: PKCS #8 "PRIVATE KEY" (as openssl genpkey
// -algorithm ed25519 writes) or PKIX "PUBLIC KEY", with an optional
// "Name" header saying what the key is.

type keyFile struct {
	name string
	priv ed25519.PrivateKey // nil for a public key file
	pub  ed25519.PublicKey
}

func (k keyFile) dev() bool { return strings.HasPrefix(k.name, "dev") }

func readKey(path string) (keyFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return keyFile{}, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return keyFile{}, fmt.Errorf("%s: not a PEM key file", path)
	}
	k := keyFile{name: blk.Headers["Name"]}
	if k.name == "" {
		k.name = filepath.Base(path)
	}
	switch blk.Type {
	case "PRIVATE KEY":
		key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return keyFile{}, fmt.Errorf("%s: %w", path, err)
		}
		priv, ok := key.(ed25519.PrivateKey)
		if !ok {
			return keyFile{}, fmt.Errorf("%s: not an Ed25519 key", path)
		}
		k.priv, k.pub = priv, priv.Public().(ed25519.PublicKey)
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return keyFile{}, fmt.Errorf("%s: %w", path, err)
		}
		pub, ok := key.(ed25519.PublicKey)
		if !ok {
			return keyFile{}, fmt.Errorf("%s: not an Ed25519 key", path)
		}
		k.pub = pub
	default:
		return keyFile{}, fmt.Errorf("%s: PEM block %q, want PRIVATE KEY or PUBLIC KEY", path, blk.Type)
	}
	return k, nil
}

// signingKeys reads private key files and warns about development keys.
func signingKeys(paths []string, e env) ([]ed25519.PrivateKey, error) {
	if len(paths) == 0 {
		return nil, errors.New("no -key: name the signing key file (there is no default key)")
	}
	var keys []ed25519.PrivateKey
	for _, p := range paths {
		k, err := readKey(p)
		if err != nil {
			return nil, err
		}
		if k.priv == nil {
			return nil, fmt.Errorf("%s: a public key cannot sign", p)
		}
		if k.dev() {
			fmt.Fprintf(e.stderr, "WARNING: signing with DEVELOPMENT key %s (%s): for test terminals only\n", k.name, manifest.ID(k.pub))
		}
		keys = append(keys, k.priv)
	}
	return keys, nil
}

// keygen writes a new Ed25519 key to -out (mode 0600) and its public half
// to -out.pub; it never overwrites a key.
func keygen(args []string, e env) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "private key file to write (public key: FILE.pub)")
	name := fs.String("name", "", `what the key is, e.g. "release-2026" or "dev-update-key" (default: the file's name)`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("keygen: -out is required")
	}
	if *name == "" {
		*name = filepath.Base(*out)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	pk8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pkix, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	hdr := map[string]string{"Name": *name}
	if err := writeNew(*out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Headers: hdr, Bytes: pk8}), 0o600); err != nil {
		return err
	}
	if err := writeNew(*out+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Headers: hdr, Bytes: pkix}), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "key %s (%s): %s, %s.pub\n", *name, manifest.ID(pub), *out, *out)
	// The terminal's configuration names it so (update_keys).
	fmt.Fprintf(e.stdout, "update_keys entry: {\"name\": %q, \"public\": \"%x\"}\n", *name, []byte(pub))
	return nil
}

func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeAtomic writes path through a temp file and a rename
// (internal/atomicfile), so a failed build leaves no half bundle.
func writeAtomic(path string, write func(*os.File) error) error {
	return atomicfile.Write(path, 0o644, write)
}

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
