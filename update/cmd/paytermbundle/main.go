// Command paytermbundle builds, signs, inspects and compares update
// bundles (package update/bundle) and makes their Ed25519 keys.
//
//	paytermbundle keygen  -out KEYFILE [-name NAME]
//	paytermbundle build   -slot FILE | -disk FILE, -version V -boards a,b -kernel RELEASE
//	                      -expires TIME -key KEYFILE… -out FILE
//	                      [-min-version V] [-base FILE -base-version V -codec NAME]
//	paytermbundle sign    -in FILE -key KEYFILE… -out FILE
//	paytermbundle inspect [-trust KEYFILE…] [-revoked KEYFILE…] [-board B -running V -floor V] FILE
//	paytermbundle diff    OLD NEW
//
// There is no default key: every signing names its key file. A key whose
// name starts with "dev" (keygen -name dev-update-key) is a development
// key; signing with one prints a warning.
package main

import (
	"fmt"
	"io"
	"os"
	"payterm/update/delta"
	"time"

	"payterm/update/bundle"
)

func main() {
	codecs, err := builtinCodecs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "paytermbundle:", err)
		os.Exit(1)
	}
	e := env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, codecs: codecs}
	if err := run(os.Args[1:], e); err != nil {
		fmt.Fprintln(os.Stderr, "paytermbundle:", err)
		os.Exit(1)
	}
}

// env is what a run reads and writes besides files.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	// codecs are the delta codecs built in (update/delta's); build -codec
	// and inspect/diff of delta bundles pick by name.
	codecs []bundle.DeltaCodec
}

// builtinCodecs are the delta codecs a terminal decodes.
func builtinCodecs() ([]bundle.DeltaCodec, error) {
	z, err := delta.NewZstd(delta.Options{})
	if err != nil {
		return nil, err
	}
	return []bundle.DeltaCodec{z}, nil
}

func run(args []string, e env) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: paytermbundle keygen|build|sign|inspect|diff [flags]")
	}
	cmds := map[string]func([]string, env) error{
		"keygen": keygen, "build": build, "sign": sign, "inspect": inspect, "diff": diff,
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c(args[1:], e)
}
