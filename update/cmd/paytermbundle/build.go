package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"payterm/rootfs"
	"payterm/update/bundle"
	"payterm/update/manifest"
)

// slotArtefact is the one artefact a bundle installs into a boot slot:
// the slot's whole FAT image, written raw from the slot's start.
const slotArtefact = "slot.vfat"

func build(args []string, e env) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	slot := fs.String("slot", "", "the boot slot image (FAT) to install")
	disk := fs.String("disk", "", "take the slot image from partition 1 (slot A) of this disk image instead")
	out := fs.String("out", "", "bundle file to write")
	product := fs.String("product", "payterm", "product")
	version := fs.String("version", "", "firmware version the bundle installs (internal/version/VERSION)")
	minVersion := fs.String("min-version", "", "the floor this release sets (optional)")
	boards := fs.String("boards", "", "comma-separated boards the bundle runs on")
	kernel := fs.String("kernel", "", "kernel release inside the slot (uname -r)")
	expires := fs.String("expires", "", "expiry, RFC 3339 (explicit, so a rebuild gives the same bytes)")
	base := fs.String("base", "", "for a delta: the installed slot image it applies to")
	baseVersion := fs.String("base-version", "", "for a delta: the version of -base")
	codec := fs.String("codec", "", "for a delta: the delta codec's name")
	var keys listFlag
	fs.Var(&keys, "key", "private key file to sign with (repeat for several)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *out == "" || *version == "" || *boards == "" || *kernel == "" || *expires == "":
		return errors.New("build: -out, -version, -boards, -kernel and -expires are required")
	case (*slot == "") == (*disk == ""):
		return errors.New("build: give one of -slot and -disk")
	}
	exp, err := time.Parse(time.RFC3339, *expires)
	if err != nil {
		return fmt.Errorf("build: -expires: %w", err)
	}
	signers, err := signingKeys(keys, e)
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	opts := bundle.Options{
		Manifest: manifest.Manifest{
			Product: *product, Boards: strings.Split(*boards, ","), Version: *version, MinVersion: *minVersion,
			Kernel: *kernel, Expires: exp,
		},
		Keys: signers,
	}
	if *base != "" {
		c, err := findCodec(e.codecs, *codec)
		if err != nil {
			return fmt.Errorf("build: %w", err)
		}
		if *baseVersion == "" {
			return errors.New("build: a delta needs -base-version")
		}
		opts.Delta = &bundle.Delta{Codec: c, BaseVersion: *baseVersion, Base: []bundle.Source{{Name: slotArtefact, Path: *base}}}
	}
	src := *slot
	if *disk != "" {
		tmp, err := extractSlot(*disk)
		if err != nil {
			return fmt.Errorf("build: %w", err)
		}
		defer os.Remove(tmp)
		src = tmp
	}
	opts.Artefacts = []bundle.Source{{Name: slotArtefact, Path: src}}
	var m manifest.Manifest
	err = writeAtomic(*out, func(f *os.File) error {
		var err error
		m, err = bundle.Build(f, opts)
		return err
	})
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	a := m.Artefacts[0]
	fmt.Fprintf(e.stdout, "%s: %s %s for %s, kernel %s: %s %d bytes, %s payload %d bytes\n",
		*out, m.Product, m.Version, strings.Join(m.Boards, ","), m.Kernel, a.Name, a.Size, a.Encoding, a.PayloadSize)
	return nil
}

func findCodec(codecs []bundle.DeltaCodec, name string) (bundle.DeltaCodec, error) {
	for _, c := range codecs {
		if c.Name() == name {
			return c, nil
		}
	}
	var names []string
	for _, c := range codecs {
		names = append(names, c.Name())
	}
	if len(names) == 0 {
		return nil, errors.New("no delta codec is built into this paytermbundle")
	}
	return nil, fmt.Errorf("-codec %q: built in are %s", name, strings.Join(names, ", "))
}

// extractSlot copies partition 1 (boot slot A) of a GPT disk image to a
// temp file: the slot image until the image build writes one itself.
func extractSlot(disk string) (string, error) {
	f, err := os.Open(disk)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 34*rootfs.SectorSize)
	if _, err := io.ReadFull(f, head); err != nil {
		return "", fmt.Errorf("%s: %w", disk, err)
	}
	_, parts, err := rootfs.ReadGPT(head)
	if err != nil {
		return "", fmt.Errorf("%s: %w", disk, err)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("%s: no partitions", disk)
	}
	p := parts[0]
	out, err := os.CreateTemp("", "slot-*.vfat")
	if err != nil {
		return "", err
	}
	n := int64(p.LastLBA-p.FirstLBA+1) * rootfs.SectorSize
	_, err = io.Copy(out, io.NewSectionReader(f, int64(p.FirstLBA)*rootfs.SectorSize, n))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}
