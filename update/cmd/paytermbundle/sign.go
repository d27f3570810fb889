package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// sign countersigns a bundle with more keys (a key rotation): the
// manifest and payloads stay as they are, only the signatures grow.
func sign(args []string, e env) error {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	in := fs.String("in", "", "bundle to countersign")
	out := fs.String("out", "", "bundle file to write (may be -in)")
	var keys listFlag
	fs.Var(&keys, "key", "private key file to add a signature by (repeat for several)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return errors.New("sign: -in and -out are required")
	}
	signers, err := signingKeys(keys, e)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	defer f.Close()
	r, err := bundle.NewReader(f)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	signed, err := manifest.AddSignatures(r.ManifestFile(), signers...)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	payloads := int64(bundle.HeaderSize + len(r.ManifestFile()))
	hdr := bytes.NewBuffer(bundle.Header(len(signed)))
	hdr.Write(signed)
	err = writeAtomic(*out, func(w *os.File) error {
		if _, err := hdr.WriteTo(w); err != nil {
			return err
		}
		_, err := io.Copy(w, io.NewSectionReader(f, payloads, 1<<62))
		return err
	})
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	s, _ := manifest.Parse(signed)
	fmt.Fprintf(e.stdout, "%s: %d signatures\n", *out, len(s.Signatures))
	return nil
}
