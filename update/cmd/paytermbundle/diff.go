package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// diff prints what changed between two bundles: manifest fields,
// artefacts, and for artefacts both carry in full, which 1 MiB blocks of
// them differ.
func diff(args []string, e env) error {
	if len(args) != 2 {
		return errors.New("diff: give two bundle files")
	}
	var ms [2]manifest.Manifest
	var blocks [2]map[string][][32]byte
	for i, p := range args {
		r, f, err := open(p)
		if err != nil {
			return fmt.Errorf("diff: %w", err)
		}
		ms[i] = r.Signed().Manifest
		blocks[i], err = blockHashes(r, e.codecs)
		f.Close()
		if err != nil {
			return fmt.Errorf("diff: %s: %w", p, err)
		}
	}
	w := e.stdout
	a, b := ms[0], ms[1]
	same := true
	field := func(name, x, y string) {
		if x != y {
			fmt.Fprintf(w, "%-9s %s → %s\n", name, or(x, "-"), or(y, "-"))
			same = false
		}
	}
	field("product", a.Product, b.Product)
	field("version", a.Version, b.Version)
	field("floor", a.MinVersion, b.MinVersion)
	field("kernel", a.Kernel, b.Kernel)
	field("boards", strings.Join(a.Boards, " "), strings.Join(b.Boards, " "))
	field("expires", a.Expires.String(), b.Expires.String())
	field("delta on", deltaOf(a), deltaOf(b))
	for _, x := range a.Artefacts {
		i := slices.IndexFunc(b.Artefacts, func(y manifest.Artefact) bool { return y.Name == x.Name })
		if i < 0 {
			fmt.Fprintf(w, "artefact  %s removed\n", x.Name)
			same = false
			continue
		}
		y := b.Artefacts[i]
		if x.SHA256 == y.SHA256 {
			continue
		}
		same = false
		fmt.Fprintf(w, "artefact  %s changed: %d → %d bytes, %s payload %d → %s payload %d bytes\n",
			x.Name, x.Size, y.Size, x.Encoding, x.PayloadSize, y.Encoding, y.PayloadSize)
		bx, by := blocks[0][x.Name], blocks[1][x.Name]
		if bx == nil || by == nil {
			continue
		}
		var changed []string
		for k := range max(len(bx), len(by)) {
			if k >= len(bx) || k >= len(by) || bx[k] != by[k] {
				changed = append(changed, fmt.Sprint(k))
			}
		}
		fmt.Fprintf(w, "          %d of %d MiB blocks differ: %s\n", len(changed), max(len(bx), len(by)), abbreviate(changed))
	}
	for _, y := range b.Artefacts {
		if !slices.ContainsFunc(a.Artefacts, func(x manifest.Artefact) bool { return x.Name == y.Name }) {
			fmt.Fprintf(w, "artefact  %s added: %d bytes\n", y.Name, y.Size)
			same = false
		}
	}
	if same {
		fmt.Fprintln(w, "same manifest content (signatures aside)")
	}
	return nil
}

func deltaOf(m manifest.Manifest) string {
	if m.Delta == nil {
		return ""
	}
	return m.Delta.BaseVersion
}

func abbreviate(s []string) string {
	if len(s) > 20 {
		return strings.Join(s[:20], " ") + " …"
	}
	return strings.Join(s, " ")
}

// blockHashes decodes the full (zstd) artefacts of r and hashes each
// frame's output, one per MiB of the artefact; delta artefacts are
// skipped (they need their base).
func blockHashes(r *bundle.Reader, codecs []bundle.DeltaCodec) (map[string][][32]byte, error) {
	m := r.Signed().Manifest
	out := map[string][][32]byte{}
	decs := map[int]*bundle.Decoder{}
	defer func() {
		for _, d := range decs {
			d.Close()
		}
	}()
	buf := make([]byte, 0, bundle.MaxFrameOutput)
	for {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		a := m.Artefacts[f.Artefact]
		if a.Encoding != bundle.EncodingZstd {
			continue
		}
		d := decs[f.Artefact]
		if d == nil {
			if d, err = bundle.NewDecoder(a.Encoding, codecs, nil, 0); err != nil {
				return nil, err
			}
			decs[f.Artefact] = d
		}
		got, err := d.Decode(buf, f.Data, f.Output)
		if err != nil {
			return nil, err
		}
		out[a.Name] = append(out[a.Name], sha256.Sum256(got))
	}
}
