package secret_test

import (
	"fmt"
	"log/slog"
	"os"

	"payterm/internal/secret"
)

func ExampleCode() {
	c := secret.Code("134567890123456789")
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	log.Info("charging", "code", c)
	fmt.Printf("%v %q\n", c, c)
	fmt.Println(len(c.Reveal()))
	// Output:
	// level=INFO msg=charging code=13************6789
	// 13************6789 "13************6789"
	// 18
}

func ExampleMask() {
	fmt.Println(secret.Mask("134567890123456789"))
	fmt.Println(secret.Mask("face:tok-alice-01"))
	fmt.Println(secret.Mask("12345678"))
	// Output:
	// 13************6789
	// face:to******e-01
	// ********
}
